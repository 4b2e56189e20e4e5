using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Tests.Invalidation;

/// <summary>
/// Writers, readers and invalidators on two app servers at once. The "truth" is a generation number; an invalidation
/// bumps it first and then invalidates the tag. Once an invalidation has returned, no reader anywhere may see an
/// answer computed from an older generation, even one whose computation began before the invalidation.
/// </summary>
[Collection(TwoAppServersCollection.Name)]
[Trait("Category", "Integration")]
public sealed class InvalidationRaceTests(TwoAppServersFixture fixture)
{
    [Fact]
    public async Task WriteThatBeganBeforeAnInvalidation_NeverBringsTheOldAnswerBack()
    {
        var tenant = "race" + Guid.NewGuid().ToString("N")[..8];
        var keys = Enumerable.Range(0, 8).Select(i => new CacheKey(tenant, "race", $"k{i}")).ToArray();
        var caches = new[] { fixture.A.Cache, fixture.B.Cache };
        var options = new LlmCacheEntryOptions { Tags = ["truth"], NoExpiry = true };
        long generation = 0;
        long validFrom = 0; // answers from generations below this must no longer be served
        var violations = new List<string>();
        var (writes, reads, hits, invalidations) = (0, 0, 0, 0);
        // Runs until 20 invalidations have returned (a hub's first broadcast may wait out one lease), at most 90 s.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        async Task WriterAsync(ILlmCache cache, int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var key = keys[random.Next(keys.Length)];
                await cache.GetOrCreateAsync(
                    key,
                    async _ =>
                    {
                        var seen = Interlocked.Read(ref generation);
                        await Task.Delay(random.Next(0, 15)); // the origin thinks; invalidations may happen meanwhile
                        Interlocked.Increment(ref writes);
                        return new CachedResponse(seen.ToString(System.Globalization.CultureInfo.InvariantCulture), "gpt-4");
                    },
                    options);
            }
        }

        async Task ReaderAsync(ILlmCache cache, int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var floor = Interlocked.Read(ref validFrom);
                var entry = await cache.GetAsync(keys[random.Next(keys.Length)]);
                Interlocked.Increment(ref reads);
                if (entry is not null)
                {
                    Interlocked.Increment(ref hits);
                    var seen = long.Parse(entry.Response.Content, System.Globalization.CultureInfo.InvariantCulture);
                    if (seen < floor)
                    {
                        lock (violations)
                        {
                            violations.Add($"read generation {seen} after the invalidation of generation {floor - 1} returned");
                        }
                    }
                }
            }
        }

        async Task InvalidatorAsync(ILlmCache cache)
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(100);
                var next = Interlocked.Increment(ref generation);
                await cache.InvalidateTagAsync("truth", tenant);
                Interlocked.Exchange(ref validFrom, next);
                if (Interlocked.Increment(ref invalidations) >= 20)
                {
                    await stop.CancelAsync();
                }
            }
        }

        var workers = new List<Task>();
        for (var i = 0; i < 2; i++)
        {
            workers.Add(WriterAsync(caches[i], i));
            workers.Add(WriterAsync(caches[i], 10 + i));
            workers.Add(ReaderAsync(caches[i], 20 + i));
            workers.Add(ReaderAsync(caches[i], 30 + i));
            workers.Add(InvalidatorAsync(caches[i]));
        }

        await Task.WhenAll(workers);

        Assert.True(invalidations >= 10, $"invalidations ran ({invalidations})");
        Assert.True(hits > 50 && writes > 20, $"the cache was exercised: {writes} writes, {reads} reads, {hits} hits");
        Assert.True(violations.Count == 0, string.Join("\n", violations.Take(10)));
    }
}
