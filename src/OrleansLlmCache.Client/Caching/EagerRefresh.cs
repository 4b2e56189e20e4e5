using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Client.Hosting;
using OrleansLlmCache.Core.Diagnostics;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// Starts eager refreshes (<see cref="LlmCacheOptions.EagerRefreshThreshold"/>) in the background, at most one per key at
/// a time from this process, and none for a while after the cluster turned one away or one failed: a hot key past its
/// threshold is hit thousands of times a second from L1, and each hit must not become a grain call. Across the cluster,
/// the key's lease lets only one refresh through (<see cref="SingleFlight.RefreshAsync"/>).
/// </summary>
internal sealed class EagerRefresh(
    IOptions<LlmCacheOptions> options,
    EntryOptionsResolver resolve,
    IGrainFactory grains,
    ClusterReadiness readiness,
    SingleFlight singleFlight,
    CacheOutcomeObserver observer,
    TimeProvider time)
{
    // After the grain turned a refresh away (another process is refreshing the key, or it is not due yet by the silo's
    // clock, a few milliseconds off this one's) this process asks again no sooner than this: soon enough that a refresh
    // asked for a moment early still comes well before the expiry, seldom enough to cost nothing next to the hits.
    private static readonly TimeSpan TurnedAwayPause = TimeSpan.FromMilliseconds(250);

    // Past this many keys held back, those whose pause has passed are swept out on the next hold.
    private const int SweepAbove = 4096;

    // After a failed refresh the origin is left alone for the key as fail-safe's throttle leaves it.
    private readonly TimeSpan _failedPause = options.Value.FailSafeThrottleDuration;

    // Per key: the reading of Environment.TickCount64 before which no refresh starts; long.MaxValue while one runs.
    private readonly ConcurrentDictionary<CacheKey, long> _held = new();

    /// <summary>
    /// Whether an entry the cluster just served (live, by the silo's clock) is due for a refresh by this process's clock.
    /// A clock ahead of the silo's asks the grain too early, and the grain, whose clock decides, turns it away.
    /// </summary>
    public bool IsDue(CacheEntry entry, double threshold) => threshold > 0 && entry.RefreshDueAt(threshold) is { } due && time.GetUtcNow() >= due;

    /// <summary>
    /// Refreshes <paramref name="key"/> in the background, as <paramref name="options"/> would write it, unless this
    /// process is doing so already or has just been turned away.
    /// </summary>
    public void Start(CacheKey key, double threshold, Func<CancellationToken, ValueTask<CachedResponse>> factory, LlmCacheEntryOptions? options)
    {
        if (!TryClaim(key))
        {
            return;
        }

        // Not on the caller's execution context: the refresh is nobody's request (not a warming one either), and must
        // not carry the caller's ambient state into a call that outlives it. Traced, it is a trace of its own, linked
        // to the request's span that set it off.
        var trigger = LlmCacheActivity.Source.HasListeners() ? Activity.Current?.Context : null;
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => RunAsync(key, threshold, factory, options, trigger));
        }
    }

    private async Task RunAsync(CacheKey key, double threshold, Func<CancellationToken, ValueTask<CachedResponse>> factory, LlmCacheEntryOptions? options, ActivityContext? trigger)
    {
        using var span = trigger is { } link
            ? LlmCacheActivity.Source.StartActivity("llmcache.refresh", ActivityKind.Internal, parentContext: default, links: [new ActivityLink(link)])
            : null;
        span?.SetTag(LlmCacheActivity.Tenant, key.Tenant);
        span?.SetTag(LlmCacheActivity.Namespace, key.Namespace);
        span?.SetTag(LlmCacheActivity.KeyId, key.Id);
        var pause = _failedPause;
        try
        {
            readiness.Ensure();
            var grain = grains.GetGrain<ICacheEntryGrain>(key.ToGrainKey());
            pause = await singleFlight.RefreshAsync(grain, key, resolve.WriteOptions(key, options), threshold, factory) switch
            {
                SingleFlight.RefreshOutcome.Refreshed or SingleFlight.RefreshOutcome.Overtaken => TimeSpan.Zero,
                SingleFlight.RefreshOutcome.TurnedAway => TurnedAwayPause,
                _ => _failedPause,
            };
        }
        catch (Exception ex)
        {
            // Nobody is there to catch it: a request whose options are not valid, or a cluster not reached yet. Its next
            // miss says so to a caller.
            observer.OnRefreshFailed(key, ex);
            if (span is not null)
            {
                LlmCacheActivity.Fail(span, ex);
            }
        }
        finally
        {
            Hold(key, pause);
        }
    }

    private bool TryClaim(CacheKey key)
    {
        var now = Environment.TickCount64;
        return _held.TryGetValue(key, out var until)
            ? now >= until && _held.TryUpdate(key, long.MaxValue, until)
            : _held.TryAdd(key, long.MaxValue);
    }

    private void Hold(CacheKey key, TimeSpan pause)
    {
        if (pause <= TimeSpan.Zero)
        {
            _held.TryRemove(key, out _);
            return;
        }

        var now = Environment.TickCount64;
        _held[key] = now + (long)pause.TotalMilliseconds;
        if (_held.Count > SweepAbove)
        {
            foreach (var (held, until) in _held)
            {
                if (now >= until)
                {
                    _held.TryRemove(new KeyValuePair<CacheKey, long>(held, until));
                }
            }
        }
    }
}
