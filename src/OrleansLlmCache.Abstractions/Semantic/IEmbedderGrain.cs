namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>
/// Embeds texts with all-MiniLM-L6-v2 on the silo that receives the call (a stateless worker): app servers never load
/// the model. Concurrent calls on one silo are batched into one model run, and a recent text is not embedded again.
/// </summary>
[Alias("llmcache.IEmbedderGrain")]
public interface IEmbedderGrain : IGrainWithIntegerKey
{
    /// <summary>One L2-normalised vector (384 floats) per text, in order.</summary>
    [Alias("Embed")]
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts);
}
