namespace OrleansLlmCache.Grains.Statistics;

/// <summary>
/// The silo side of the cluster statistics (configuration section <c>LlmCache:Statistics</c>):
/// <code>
/// "LlmCache": { "Statistics": { "EmbeddingPricePerMillionTokens": 0.01, "HistoryInterval": "00:00:30", "HistoryLength": 120 } }
/// </code>
/// </summary>
public sealed class SiloStatisticsOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Statistics";

    /// <summary>
    /// What embedding one million tokens costs the cache, in dollars; subtracted from the dollars hits saved.
    /// </summary>
    /// <value>
    /// Default 0.01: the compute of the local all-MiniLM-L6-v2 model on a silo. Measured on 2 vCPUs (AMD EPYC, AVX-512), they embed about
    /// 500 short prompts (about 12 tokens each) or 150 sentences (about 25 tokens) a second, 13-22 million tokens an
    /// hour, and 2 vCPUs rent for about $0.09 an hour on demand: $0.004-0.007 per million tokens at full use, rounded up
    /// because a silo is never fully used by embeddings. Set the price of a hosted embedding model when one is used
    /// instead (OpenAI text-embedding-3-small: 0.02).
    /// </value>
    public decimal EmbeddingPricePerMillionTokens { get; set; } = 0.01m;

    /// <summary>How often each silo reports its embedding work to the statistics grain. Default: 5 seconds.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The spacing of the points of the cache page's charts. Default: 30 seconds.</summary>
    public TimeSpan HistoryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many chart points the statistics grain keeps. Default: 120 (an hour at the default spacing).</summary>
    public int HistoryLength { get; set; } = 120;
}
