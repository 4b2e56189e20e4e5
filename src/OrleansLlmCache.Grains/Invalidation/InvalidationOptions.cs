namespace OrleansLlmCache.Grains.Invalidation;

/// <summary>Timing of the invalidation hub (configuration section <c>LlmCache:Invalidation</c>).</summary>
public sealed class InvalidationOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Invalidation";

    /// <summary>
    /// How long a silo or app server may trust its copies after renewing its subscription. This is the staleness bound
    /// for a process that loses contact with the hub, and the longest an invalidation waits for such a process.
    /// Default: 5 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often subscribers renew; well under <see cref="LeaseDuration"/>. Default: 1 second.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the hub waits for a subscriber to acknowledge a broadcast. Default: 1 second.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
