namespace OrleansLlmCache.Embeddings.Embedding;

/// <summary>
/// Told what the model actually embedded, so that its cost can be counted: texts answered from the recent-text cache
/// or shared with another caller's identical text in flight cost nothing and are not reported.
/// </summary>
/// <remarks>Called from the embedder's batching loop after each successful model run: implementations must be quick and thread-safe.</remarks>
public interface IEmbeddingUsageRecorder
{
    /// <summary>Records <paramref name="texts"/> texts of <paramref name="tokens"/> word-piece tokens in all, charged to <paramref name="account"/>.</summary>
    /// <param name="account">Who asked for the embedding (the cache uses the namespace); <see langword="null"/> when nobody said.</param>
    /// <param name="texts">How many texts the model embedded.</param>
    /// <param name="tokens">Their tokens as the model saw them ([CLS] and [SEP] included, cut at 256), padding excluded.</param>
    void Record(string? account, int texts, long tokens);
}
