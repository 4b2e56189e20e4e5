using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace OrleansLlmCache.Tests.Cluster;

/// <summary>
/// Two real silo processes on a real redis-server that is killed and started again empty (no persistence) while a
/// client reads: the silos put their membership back, Orleans' own membership writes succeed again, and a client
/// started afterwards finds the gateways, all without restarting anything by hand.
/// </summary>
[Collection(AloneCollection.Name)]
[Trait("Category", "Integration")]
public sealed class RedisMembershipRecoveryTests(ITestOutputHelper output)
{
    private const int Entries = 40;

    [Fact]
    public async Task RedisRestartedEmpty_UnderTraffic_SilosRestoreMembership_AndClientsFindTheGatewaysAgain()
    {
        await using var redis = await LocalRedis.StartAsync();
        var clusterId = "recover-" + Guid.NewGuid().ToString("N")[..8];
        var environment = new Dictionary<string, string>
        {
            ["LlmCache__Silo__ClusterId"] = clusterId,
            ["LlmCache__Silo__Clustering"] = "Redis",
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["LlmCache__Silo__MembershipCheckInterval"] = "00:00:01",
            ["Orleans__Membership__IAmAliveTablePublishTimeout"] = "00:00:02",
            ["Orleans__Membership__TableRefreshTimeout"] = "00:00:02",
        };

        // One after the other, as a rolling start would (two JIT-ing silos at once on two cores starve each other's probes).
        await using var first = await SiloProcess.StartAsync(environment);
        await using var second = await SiloProcess.StartAsync(environment);
        await using var client = await ClientHost.ConnectThroughRedisAsync(redis.ConnectionString, clusterId, configure: o => o.L1Enabled = false);
        var keys = Enumerable.Range(0, Entries).Select(i => client.Cache.CreateKey(new PromptRequest($"question {i}", "gpt-4", 0.2, 200), "acme", "recovery")).ToList();
        await Task.WhenAll(keys.Select(key => client.Cache.SetAsync(key, new CachedResponse(Content(key), "gpt-4", 10, 20), LlmCacheEntryOptions.NeverExpire).AsTask()));

        using var membership = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { redis.ConnectionString }, AbortOnConnectFail = false });
        var table = (RedisKey)$"llmcache/members/{clusterId}";
        var whole = await membership.GetDatabase().HashGetAllAsync(table);
        Assert.Equal(2, ActiveRows(whole).Count);

        // Redis restarts once each silo holds a copy with both silos active: a silo that joined after the last copy
        // was taken is in no copy, and Orleans fences it when the table comes back without it.
        var version = int.Parse((string)whole.Single(e => e.Name == "Version").Value!, CultureInfo.InvariantCulture);
        foreach (var silo in new[] { first, second })
        {
            await Eventually.WaitUntilAsync(
                () => CopyVersions(silo.Output).Any(v => v >= version),
                TimeSpan.FromSeconds(30),
                () => $"a silo took no copy of the membership at version {version} or later:\n{silo.Output}");
        }

        var traffic = new ReadTraffic(client.Cache, keys, Content);
        try
        {
            await redis.RestartEmptyAsync();
            var restartedAt = DateTime.UtcNow;
            var readsAtRestart = traffic.Reads;

            // Both silos are back in the table, active.
            Dictionary<string, DateTime> rows = [];
            await Eventually.WaitUntilAsync(
                async () => (rows = ActiveRows(await membership.GetDatabase().HashGetAllAsync(table))).Count == 2,
                TimeSpan.FromSeconds(30),
                () => $"{rows.Count} active silo rows in Redis 30 s after it restarted empty (2 expected).\nfirst silo:\n{first.Output}\nsecond silo:\n{second.Output}");

            // Orleans' own writes succeed again: each silo's "I am alive" time moves past the restart.
            await Eventually.WaitUntilAsync(
                async () => (rows = ActiveRows(await membership.GetDatabase().HashGetAllAsync(table))).Values.All(alive => alive > restartedAt),
                TimeSpan.FromSeconds(30),
                () => $"the silos' 'I am alive' times did not move past the restart: {string.Join(", ", rows.Values)} (restart {restartedAt:O}).");

            // A client that starts now finds the gateways in Redis and reads every entry.
            await using var late = await ClientHost.ConnectThroughRedisAsync(redis.ConnectionString, clusterId);
            var entries = await Task.WhenAll(keys.Select(key => late.Cache.GetAsync(key).AsTask()));
            Assert.All(keys.Zip(entries), pair => Assert.Equal(Content(pair.First), pair.Second?.Response.Content));

            // And the client that was reading all along still reads.
            var readsAtRecovery = traffic.Reads;
            await Eventually.WaitUntilAsync(() => traffic.Reads - readsAtRecovery >= 100, TimeSpan.FromSeconds(30), () => "the running client stopped reading after Redis came back");
            output.WriteLine($"{traffic.Reads} reads, {readsAtRestart} before the restart; {traffic.Wrong} wrong or missing, {traffic.Failures} failed.");
            Assert.Equal(0, traffic.Wrong);
        }
        finally
        {
            await traffic.DisposeAsync();
        }
    }

    // The versions of the membership copies a silo reported taking (RedisMembershipRestorer, event 1403).
    private static IEnumerable<int> CopyVersions(string siloOutput) =>
        Regex.Matches(siloOutput, @"Holding a copy of the cluster membership \S+ at version (\d+)")
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    // Rows of active silos (status 3, SiloStatus.Active) and their "I am alive" times, by silo address.
    private static Dictionary<string, DateTime> ActiveRows(HashEntry[] table) => table
        .Where(row => row.Name != "Version")
        .Select(row => (Name: row.Name.ToString(), Json: JsonDocument.Parse(row.Value.ToString()).RootElement))
        .Where(row => row.Json.GetProperty("Status").GetInt32() == (int)SiloStatus.Active)
        .ToDictionary(row => row.Name, row => row.Json.GetProperty("IAmAliveTime").GetDateTime().ToUniversalTime());

    private static string Content(CacheKey key) => "answer for " + key.Id;
}
