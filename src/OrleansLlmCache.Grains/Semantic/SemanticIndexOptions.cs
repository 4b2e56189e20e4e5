namespace OrleansLlmCache.Grains.Semantic;

/// <summary>Silo-side settings of the semantic index (configuration section <c>LlmCache:Semantic</c>).</summary>
public sealed class SemanticIndexOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Semantic";

    /// <summary>
    /// The most prompts one shard holds; a scope opens another shard when its shards are full, and searches them in
    /// parallel. Default: 20,000 (about 8 MB of vectors and a scan of about 0.4 ms a shard on one core).
    /// </summary>
    public int MaxVectorsPerShard { get; set; } = 20_000;

    /// <summary>
    /// How long a shard may hold additions before writing them to storage. A shard lost before it writes loses
    /// semantic hits, never correctness (every hit is checked against its live entry). Default: 5 seconds.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most candidates one lookup may ask for. Default: 32.</summary>
    public int MaxCandidates { get; set; } = 32;

    /// <summary>
    /// How many recent semantic hits each scope keeps so that they can be reported on (in memory: a silo restart
    /// forgets them, and reports on them are refused as unknown). Default: 10,000 (about 1.5 MB per busy scope).
    /// </summary>
    public int FeedbackHits { get; set; } = 10_000;

    /// <summary>How long a semantic hit may be reported on. Default: 24 hours.</summary>
    public TimeSpan FeedbackHitLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many reports each scope keeps for adaptation (persisted with the scope's feedback). Default: 1,000.</summary>
    public int FeedbackReports { get; set; } = 1_000;

    /// <summary>How long a report counts for adaptation: older evidence ages out, so a raised bar can come back down. Default: 7 days.</summary>
    public TimeSpan FeedbackReportLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The fewest reports on the hits a bar lets through before they can raise it (more when the target needs more to
    /// be proven: see docs/semantic-cache.md). Default: 20.
    /// </summary>
    public int FeedbackMinimumReports { get; set; } = 20;

    /// <summary>How far the probability target rises per step when feedback says it must. Default: 0.05.</summary>
    public double AdaptationStep { get; set; } = 0.05;
}
