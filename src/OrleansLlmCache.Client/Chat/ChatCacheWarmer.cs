using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Warming;

namespace OrleansLlmCache.Client.Chat;

/// <summary>
/// Pre-computes a batch of chat requests through the cache (the article's <c>warm_cache</c>): bounded concurrency,
/// requests already cached are skipped, and a failing request is recorded without stopping the batch (the article's
/// <c>return_exceptions=True</c>).
/// </summary>
public sealed class ChatCacheWarmer(ILlmCache cache, IChatClient origin, string? tenant = null)
{
    private readonly NamespacedChatClients _pipelines = new(cache, origin, tenant);

    /// <summary>Warms <paramref name="requests"/>, <paramref name="concurrency"/> at a time; <paramref name="onDone"/> is called after each.</summary>
    public Task<WarmReport> WarmAsync(IReadOnlyList<ChatWarmRequest> requests, int concurrency, Action? onDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return WarmAsync(requests.ToAsyncEnumerable(), concurrency, onDone, cancellationToken);
    }

    /// <summary>
    /// Warms <paramref name="requests"/> as they come, <paramref name="concurrency"/> at a time: the next request is
    /// taken only when a call is free, so a large file read lazily is never held in memory. A source that ends early
    /// (such as on a stop signal) ends the batch once the calls in flight are done; the report counts what was taken.
    /// </summary>
    public async Task<WarmReport> WarmAsync(IAsyncEnumerable<ChatWarmRequest> requests, int concurrency, Action? onDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var watch = Stopwatch.StartNew();
        var failures = new ConcurrentBag<(int, string)>();
        var (taken, warmed, cached) = (0, 0, 0);
        await Parallel.ForEachAsync(
            requests.Select((request, index) =>
            {
                taken = index + 1; // the source is read by one caller at a time
                return (request, index);
            }),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                using var warming = WarmingScope.Enter();
                try
                {
                    var key = KeyOf(item.request);
                    if (await cache.GetAsync(key, ct) is not null)
                    {
                        Interlocked.Increment(ref cached);
                    }
                    else
                    {
                        await _pipelines.For(item.request.Namespace, item.request.Tenant).GetResponseAsync(item.request.Messages, item.request.Options, ct);
                        Interlocked.Increment(ref warmed);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    failures.Add((item.index, $"{ex.GetType().Name}: {ex.Message}"));
                }
                finally
                {
                    onDone?.Invoke();
                }
            });
        return new WarmReport(taken, warmed, cached, [.. failures.OrderBy(f => f.Item1)], watch.Elapsed);
    }

    /// <summary>The key <paramref name="request"/> is cached under through this warmer's origin.</summary>
    /// <exception cref="InvalidOperationException">The request is not cacheable (it depends on state the cache cannot see).</exception>
    public CacheKey KeyOf(ChatWarmRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var defaultModel = origin.GetService<ChatClientMetadata>()?.DefaultModelId;
        var hash = ChatCacheKey.TryCompute(request.Messages, request.Options, defaultModel, out var reason)
            ?? throw new InvalidOperationException($"not cacheable: {reason}");
        return cache.CreateKey(hash, request.Tenant ?? tenant, request.Namespace);
    }
}
