using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Testing;
using StackExchange.Redis;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// Exact hits through the Orleans client to a three-silo cluster (Redis membership, PostgreSQL
/// storage) over TCP, next to StackExchange.Redis GET of the same payloads from the same redis-server, in one run.
/// </summary>
internal static class ExactHitBenchmark
{
    /// <param name="duration">How long each row is measured.</param>
    /// <param name="keys">Entries per payload size.</param>
    /// <param name="enforceAccess">
    /// The silos enforce tenant access (LlmCache:Access:Keys) and the client presents a key for its tenant with every
    /// call: the cost of the check on the hit path.
    /// </param>
    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration, int keys, bool enforceAccess = false)
    {
        await using var redis = await LocalRedis.StartAsync();
        await using var postgres = await LocalPostgres.StartAsync();
        var clusterId = "bench-" + Guid.NewGuid().ToString("N")[..6];
        var database = await postgres.CreateDatabaseAsync();
        var environment = new Dictionary<string, string>
        {
            ["LlmCache__Silo__ClusterId"] = clusterId,
            ["LlmCache__Silo__Clustering"] = "Redis",
            ["LlmCache__Silo__Storage"] = "PostgreSQL",
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["ConnectionStrings__PostgreSQL"] = database,
            ["DOTNET_gcServer"] = "1", // as the silo ships (the test harness defaults to workstation GC)
        };
        var accessKey = enforceAccess ? "bench-access-" + Guid.NewGuid().ToString("N") : null;
        if (accessKey is not null)
        {
            // A tenant's key, not an operator's: the tenant of every read is checked.
            environment["LlmCache__Access__Keys__0__Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(accessKey)));
            environment["LlmCache__Access__Keys__0__Tenants__0"] = "default";
        }

        // Started one by one inside the try, so that a silo that fails to start never leaves the others running.
        var silos = new List<SiloProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                silos.Add(await SiloProcess.StartAsync(environment));
            }

            // L1 off: this measures the cluster path (L1HitBenchmark and the invalidation benchmark measure L1 separately).
            await using var client = await ClientHost.ConnectThroughRedisAsync(redis.ConnectionString, clusterId, configure: o => o.L1Enabled = false, accessKey: accessKey);
            await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            var db = multiplexer.GetDatabase();
            var results = new List<LoadResult>();
            var batcher = client.Services.GetRequiredService<ClusterReadBatcher>();
            var seen = (Reads: 0L, Batches: 0L, Elsewhere: 0L);
            foreach (var size in new[] { 1024, 16 * 1024 })
            {
                var payload = Payload(size);
                var cacheKeys = Enumerable.Range(0, keys).Select(i => client.Cache.CreateKey($"bench-{size}-{i}")).ToArray();
                var redisKeys = Enumerable.Range(0, keys).Select(i => (RedisKey)$"bench:{size}:{i}").ToArray();
                foreach (var key in cacheKeys)
                {
                    await client.Cache.SetAsync(key, new CachedResponse(payload, "gpt-4", 100, 300), LlmCacheEntryOptions.NeverExpire);
                }

                await db.StringSetAsync(redisKeys.Select(k => new KeyValuePair<RedisKey, RedisValue>(k, payload)).ToArray());
                foreach (var callers in new[] { 1, 64 })
                {
                    // Interleaved: the same minute of machine noise for both.
                    results.Add(await LoadRunner.RunAsync("StackExchange.Redis GET", size, callers, TimeSpan.FromSeconds(1), duration, async i =>
                    {
                        var value = await db.StringGetAsync(redisKeys[i % keys]);
                        if (value.IsNull)
                        {
                            throw new InvalidOperationException("redis miss");
                        }
                    }, [redis.ProcessId]));
                    results.Add(await LoadRunner.RunAsync("OrleansLlmCache exact hit (ILlmCache.GetAsync)", size, callers, TimeSpan.FromSeconds(1), duration, async i =>
                    {
                        if (await client.Cache.GetAsync(cacheKeys[i % keys]) is null)
                        {
                            throw new InvalidOperationException("cache miss");
                        }
                    }, [redis.ProcessId, .. silos.Select(s => s.ProcessId)]));
                    Console.Error.WriteLine(results[^2].ToMarkdownRow());
                    Console.Error.WriteLine(results[^1].ToMarkdownRow());
                    // How the client batched this row's reads (warm-up included), and how many went to a silo that did
                    // not hold the entry (the first reads of a key, before the client learns where it lives).
                    var (reads, batches, elsewhere) = (batcher.Reads, batcher.Batches, batcher.ReadElsewhere);
                    Console.Error.WriteLine(
                        $"  batched reads: {reads - seen.Reads:N0} keys in {batches - seen.Batches:N0} batches " +
                        $"({(double)(reads - seen.Reads) / Math.Max(1, batches - seen.Batches):0.0} per batch) through {batcher.Readers} reader keys, " +
                        $"{elsewhere - seen.Elsewhere:N0} answered by another silo");
                    seen = (reads, batches, elsewhere);
                }
            }

            return results;
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    // A realistic LLM answer: prose, not a repeated byte.
    internal static string Payload(int bytes)
    {
        const string Text = "Single-flight caching lets one request compute a missing answer while every concurrent identical request waits for it. ";
        var builder = new StringBuilder(bytes);
        while (builder.Length < bytes)
        {
            builder.Append(Text);
        }

        return builder.ToString(0, bytes);
    }
}
