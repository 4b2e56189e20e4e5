using OrleansLlmCache.Embeddings.Embedding;

namespace OrleansLlmCache.Grains.Statistics;

/// <summary>
/// This silo's embedding work since the last report, per namespace. Only the silo whose model ran a text counts it,
/// and app servers count none, so the cluster total is each text embedded once, on the silo that embedded it.
/// </summary>
internal sealed class EmbeddingUsageCollector : IEmbeddingUsageRecorder
{
    private readonly Lock _gate = new();
    private Dictionary<string, (long Texts, long Tokens)> _usage = new(StringComparer.Ordinal);

    public void Record(string? account, int texts, long tokens)
    {
        lock (_gate)
        {
            var (sumTexts, sumTokens) = _usage.GetValueOrDefault(account ?? string.Empty);
            _usage[account ?? string.Empty] = (sumTexts + texts, sumTokens + tokens);
        }
    }

    /// <summary>Takes what was recorded since the last call: (namespace, texts, tokens) rows, empty when nothing was.</summary>
    public IReadOnlyList<(string Namespace, long Texts, long Tokens)> Drain()
    {
        Dictionary<string, (long Texts, long Tokens)> taken;
        lock (_gate)
        {
            taken = _usage;
            _usage = new(StringComparer.Ordinal);
        }

        return [.. taken.Select(u => (u.Key, u.Value.Texts, u.Value.Tokens))];
    }
}
