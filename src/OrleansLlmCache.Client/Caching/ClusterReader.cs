using System.Diagnostics;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Client.Hosting;

namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// Reads a live entry from the cluster: batched with other callers' reads (<see cref="ClusterReadBatcher"/>) or on its
/// own (<see cref="LlmCacheOptions.BatchReads"/> off), bounded by <see cref="LlmCacheOptions.OperationTimeout"/>, and
/// asked again within that time when the cluster refused it (<see cref="ClusterReadRetry"/>). Failures reach the caller:
/// whether to fail open is the caller's decision.
/// </summary>
internal sealed class ClusterReader(
    IGrainFactory grains,
    IOptions<LlmCacheOptions> options,
    ClusterReadBatcher batcher,
    ClusterReadRetry retry,
    ClusterReadiness readiness,
    CacheOutcomeObserver observer)
{
    private readonly TimeSpan _timeout = options.Value.OperationTimeout;
    private readonly bool _batched = options.Value.BatchReads;

    /// <summary>The live entry of <paramref name="key"/>, or null.</summary>
    public async Task<CacheEntry?> ReadAsync(CacheKey key, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await ReadOnceAsync(key).WaitAsync(_timeout, cancellationToken);
        }
        catch (Exception ex) when (ClusterReadRetry.IsRefusal(ex))
        {
            var left = _timeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"A refused read of {key} had no time left to be asked again.");
            }

            return await retry.Pipeline.ExecuteAsync(
                static (state, _) => new ValueTask<CacheEntry?>(state.reader.ReadOnceAsync(state.key)),
                (reader: this, key),
                cancellationToken).AsTask().WaitAsync(left, cancellationToken);
        }
    }

    /// <summary>
    /// Before get-or-create asks for the key's lease: the live entry if a batched read finds one, else null (reads not
    /// batched leave it all to the lease call, which answers a hit too).
    /// </summary>
    /// <remarks>
    /// A cold cluster's first batch activates a reader and then the entry, and can outlast the timeout: until some batch
    /// has been answered, a failed one leaves the decision to the lease call. Once batches are answered, a failure is the
    /// cluster's, and reaches the caller, which fails open at once instead of waiting out the lease call too.
    /// </remarks>
    public async Task<CacheEntry?> ReadBeforeLeaseAsync(CacheKey key, CancellationToken cancellationToken)
    {
        if (!_batched)
        {
            return null;
        }

        try
        {
            return await ReadAsync(key, cancellationToken);
        }
        catch (Exception ex) when (!batcher.HasAnswered && ClusterFailures.IsClusterFailure(ex, cancellationToken))
        {
            observer.OnBatchedReadFailed(key, ex);
            return null;
        }
    }

    private Task<CacheEntry?> ReadOnceAsync(CacheKey key)
    {
        readiness.Ensure();
        return _batched
            ? batcher.Read(key.ToGrainKey())
            : grains.GetGrain<ICacheEntryGrain>(key.ToGrainKey()).GetAsync().AsTask();
    }
}
