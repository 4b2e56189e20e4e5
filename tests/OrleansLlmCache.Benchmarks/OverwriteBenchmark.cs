using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Core.Invalidation;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// Overwrites of live entries per second through <see cref="ILlmCache.SetAsync"/>, against one silo process and against
/// three. Every overwrite replaces an entry that is live at that moment, so the entry grain broadcasts its eviction
/// through the invalidation hub before the call returns: with the hub as one serialization point, throughput stops
/// growing with writers and silos. Each writer overwrites keys of its own (no two writers wait on one entry grain).
/// A probe subscribed to the hub counts the broadcasts and evictions it receives: every overwrite's eviction must arrive,
/// and broadcasts per overwrite show how many publishes share a broadcast.
/// </summary>
internal static class OverwriteBenchmark
{
    private const int KeysPerWriter = 8;

    public static async Task RunAsync(TimeSpan duration, int writers, bool postgres)
    {
        await using var redis = await LocalRedis.StartAsync();
        await using var postgresServer = postgres ? await LocalPostgres.StartAsync() : null;
        var storage = postgres ? "PostgreSQL" : "memory";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Overwrites of live entries through ILlmCache.SetAsync, {writers} writers, {storage} storage, {duration.TotalSeconds:0.#} s per row, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Console.WriteLine();
        Console.WriteLine("| silos | writers | overwrites/s | p50 | p99 | hub broadcasts per overwrite | evictions received per overwrite | client CPU/op | silos CPU/op |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var siloCount in new[] { 1, 3 })
        {
            var clusterId = $"ow{siloCount}-" + Guid.NewGuid().ToString("N")[..6];
            var database = postgresServer is null ? null : await postgresServer.CreateDatabaseAsync();
            var silos = await SiloCluster.StartAsync(siloCount, clusterId, redis.ConnectionString, database);
            try
            {
                Console.WriteLine(await MeasureAsync(redis.ConnectionString, clusterId, silos, duration, writers));
            }
            finally
            {
                foreach (var silo in silos)
                {
                    await silo.DisposeAsync();
                }
            }
        }
    }

    private static async Task<string> MeasureAsync(string redis, string clusterId, List<SiloProcess> silos, TimeSpan duration, int writers)
    {
        // L1 off: the writer keeps no copies, so what is measured is the cluster's write path.
        await using var client = await ClientHost.ConnectThroughRedisAsync(redis, clusterId, configure: o => o.L1Enabled = false);
        var grains = client.Services.GetRequiredService<IGrainFactory>();
        long evicted = 0;
        await using var probe = new InvalidationSubscription(
            grains, new DependencyVersionTable(grains, TimeProvider.System), TimeProvider.System, NullLogger.Instance,
            onEvict: keys => Interlocked.Add(ref evicted, keys.Count));
        if (!await probe.RenewAsync())
        {
            throw new InvalidOperationException("The probe could not subscribe to the invalidation hub.");
        }

        probe.Start(TimeSpan.FromSeconds(1));
        var cache = client.Cache;
        var keys = Enumerable.Range(0, writers * KeysPerWriter).Select(i => cache.CreateKey($"overwrite-{clusterId}-{i}")).ToArray();
        var options = LlmCacheEntryOptions.Expiring(TimeSpan.FromHours(1));
        var response = new CachedResponse(new string('x', 1024), "gpt-4", 40, 60);
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = writers }, async (key, _) => await cache.SetAsync(key, response, options));

        var (sequenceBefore, evictedBefore, overwrites) = (probe.Sequence, Interlocked.Read(ref evicted), 0L);

        // LoadRunner hands caller c the indexes c, c + writers, c + 2 * writers...: with writers * KeysPerWriter keys,
        // index % keys.Length stays in caller c's own residue class, so each writer overwrites only its own keys.
        var result = await LoadRunner.RunAsync("overwrites", response.Content.Length, writers, TimeSpan.FromSeconds(2), duration, async i =>
        {
            await cache.SetAsync(keys[i % keys.Length], response, options);
            Interlocked.Increment(ref overwrites);
        }, [.. silos.Select(s => s.ProcessId)]);

        // Each SetAsync returned after its eviction was acknowledged by every subscriber, the probe included.
        var broadcasts = probe.Sequence - sequenceBefore;
        var evictions = Interlocked.Read(ref evicted) - evictedBefore;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {silos.Count} | {writers} | {result.Throughput:N0} | {result.Percentile(50) / 1000:0.0} ms | {result.Percentile(99) / 1000:0.0} ms | {(double)broadcasts / overwrites:0.000} | {(double)evictions / overwrites:0.000} | {Micros(result.ClientCpuPerOperation)} | {Micros(result.ServerCpuPerOperation)} |");
    }

    private static string Micros(TimeSpan? value) => value is { } v ? v.TotalMicroseconds.ToString("0", CultureInfo.InvariantCulture) + " µs" : "-";
}
