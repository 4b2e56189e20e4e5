namespace OrleansLlmCache.Grains.Entries;

/// <summary>Silo-side settings of the cache entry grains (configuration section <c>LlmCache:Entries</c>).</summary>
public sealed class CacheEntryGrainOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Entries";

    /// <summary>
    /// How long a single-flight lease lasts before another caller may take it over, in case its holder died without
    /// completing or releasing it. Longer than the slowest origin call. Default: 2 minutes.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The longest a waiting caller is held inside one grain call before it is told "pending" and asks again; kept well
    /// under the Orleans response timeout (30 s by default). Default: 10 seconds.
    /// </summary>
    public TimeSpan MaxWaitPerCall { get; set; } = TimeSpan.FromSeconds(10);
}
