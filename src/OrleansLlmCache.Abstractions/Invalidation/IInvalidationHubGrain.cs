using Orleans.Concurrency;

namespace OrleansLlmCache.Abstractions.Invalidation;

/// <summary>
/// Fans invalidations out to every silo and app server (key <see cref="Key"/>). A broadcast returns only when every
/// subscriber has acknowledged it or its lease has run out, so once an invalidation returns no subscriber serves what
/// it invalidated.
/// </summary>
[Alias("llmcache.IInvalidationHubGrain")]
public interface IInvalidationHubGrain : IGrainWithStringKey
{
    /// <summary>The one hub's grain key.</summary>
    public const string Key = "hub";

    /// <summary>Subscribes or renews: the subscriber may trust its copies for the returned lease unless it sees a sequence gap.</summary>
    [Alias("Subscribe"), AlwaysInterleave]
    Task<HubLease> SubscribeAsync(string subscriberId, IInvalidationObserver observer);

    /// <summary>Removes a subscriber that is shutting down.</summary>
    [Alias("Unsubscribe"), AlwaysInterleave]
    Task UnsubscribeAsync(string subscriberId);

    /// <summary>
    /// Broadcasts new versions and evictions; returns how many subscribers acknowledged. Publishes that arrive while a
    /// broadcast is in flight go out together in the next one (one sequence number for all of them), and each returns
    /// when that broadcast has been acknowledged or waited out; if its sequence number cannot be stored, every publish
    /// it carries fails and nothing was sent.
    /// </summary>
    [Alias("Publish"), AlwaysInterleave]
    Task<int> PublishAsync(IReadOnlyDictionary<string, long> versions, IReadOnlyList<string> evictedEntries);
}
