namespace OrleansLlmCache.Client.Warming;

/// <summary>
/// Scheduled warming of the cluster's warming candidates (configuration section <c>LlmCache:Client:Warming</c>):
/// <code>
/// "LlmCache": { "Client": { "Warming": { "Interval": "00:10:00", "Threshold": 3, "MaxPerRun": 20, "Concurrency": 4, "Tenant": "acme" } } }
/// </code>
/// </summary>
public sealed class CandidateWarmingOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Client:Warming";

    /// <summary>Time between two runs; the first run is one interval after the app server starts. Default: 10 minutes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Warm keys that missed at least this many times across the cluster. Default: 3.</summary>
    public long Threshold { get; set; } = 3;

    /// <summary>The most origin calls one run makes (candidates already cached cost none). Default: 20.</summary>
    public int MaxPerRun { get; set; } = 20;

    /// <summary>Origin calls in flight at once. Default: 4.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Warm only this tenant's candidates; <see langword="null"/> (the default) for every tenant.</summary>
    public string? Tenant { get; set; }
}
