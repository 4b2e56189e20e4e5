using System.Net;
using Npgsql;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Silo;

/// <summary>
/// Readiness of the real silo program with PostgreSQL storage: storage trouble is reported as degraded (the silo stays in
/// the Service and serves what it holds), and a restarted silo is ready only once it answers reads.
/// </summary>
[Collection(BackendsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SiloStorageHealthTests(BackendsFixture backends)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PostgresStopped_HealthStays200_AndReportsStorageDegraded()
    {
        // A server of its own: this test stops it.
        await using var postgres = await LocalPostgres.StartAsync();
        await using var silo = await StartSiloAsync(await postgres.CreateDatabaseAsync());
        using var http = Http(silo);
        await WaitForHealthAsync(http, body => body.Contains("\"status\":\"Healthy\"", StringComparison.Ordinal), "healthy before the outage");

        await postgres.StopServerAsync();

        var (status, body) = await WaitForHealthAsync(http, body => body.Contains("\"postgresql\":{\"status\":\"Degraded\"", StringComparison.Ordinal), "storage degraded");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"status\":\"Degraded\"", body, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL does not answer", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TableLockedByAnotherSession_HealthReportsStorageDegraded()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        await using var silo = await StartSiloAsync(connectionString);
        using var http = Http(silo);
        await WaitForHealthAsync(http, body => body.Contains("\"status\":\"Healthy\"", StringComparison.Ordinal), "healthy before the lock");

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var locker = await dataSource.OpenConnectionAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE llmcache_grain_state IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var (status, body) = await WaitForHealthAsync(http, body => body.Contains("\"postgresql\":{\"status\":\"Degraded\"", StringComparison.Ordinal), "storage degraded while locked");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("lock on llmcache_grain_state", body, StringComparison.Ordinal);

        await transaction.RollbackAsync();
        await WaitForHealthAsync(http, body => body.Contains("\"status\":\"Healthy\"", StringComparison.Ordinal), "healthy again once the lock is gone");
    }

    [Fact]
    public async Task ARestartedSilo_IsReadyOnlyOnceItAnswersReads()
    {
        var connectionString = await backends.Postgres.CreateDatabaseAsync();
        var clusterId = new Dictionary<string, string> { ["LlmCache__Silo__ClusterId"] = "ready-" + Guid.NewGuid().ToString("N")[..8] };
        CacheKey[] keys;
        await using (var first = await StartSiloAsync(connectionString, clusterId))
        {
            await using var writer = await ClientHost.ConnectToGatewayAsync(first.GatewayPort, clusterId["LlmCache__Silo__ClusterId"]);
            keys = [.. Enumerable.Range(0, 20).Select(i => writer.Cache.CreateKey($"kept-{i}"))];
            foreach (var key in keys)
            {
                await writer.Cache.SetAsync(key, new CachedResponse("kept", "gpt-4"));
            }

            await first.StopAsync();
        }

        // The restarted silo holds nothing yet, and its first reads wait behind a lock: PostgreSQL answers SELECT 1,
        // the silo is active, and yet it cannot serve a single entry.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var locker = await dataSource.OpenConnectionAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE llmcache_grain_state IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        await using var restarted = await StartSiloAsync(connectionString, clusterId);
        using var http = Http(restarted);
        var (status, body) = await WaitForHealthAsync(http, body => body.Contains("\"cluster-reads\":{\"status\":\"Unhealthy\"", StringComparison.Ordinal), "not ready while reads do not answer");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("probe reads through the cluster did not answer", body, StringComparison.Ordinal);

        await transaction.RollbackAsync();
        await WaitForHealthAsync(http, _ => true, "ready once reads answer", HttpStatusCode.OK);

        // Ready: every entry answers, none misses.
        await using var reader = await ClientHost.ConnectToGatewayAsync(restarted.GatewayPort, clusterId["LlmCache__Silo__ClusterId"], configure: o => o.L1Enabled = false);
        var reads = await Task.WhenAll(keys.Select(key => reader.Cache.GetAsync(key).AsTask()));
        Assert.All(reads, entry => Assert.Equal("kept", entry?.Response.Content));
    }

    private static Task<SiloProcess> StartSiloAsync(string connectionString, Dictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["LlmCache__Silo__ClusterId"] = "health-" + Guid.NewGuid().ToString("N")[..8],
            ["LlmCache__Silo__Storage"] = "PostgreSQL",
            ["ConnectionStrings__PostgreSQL"] = connectionString,
        };
        foreach (var (name, value) in extra ?? [])
        {
            environment[name] = value;
        }

        return SiloProcess.StartAsync(environment);
    }

    private static HttpClient Http(SiloProcess silo) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(10) };

    private static async Task<(HttpStatusCode Status, string Body)> WaitForHealthAsync(
        HttpClient http, Func<string, bool> matches, string expected, HttpStatusCode? status = null)
    {
        var last = (Status: default(HttpStatusCode), Body: "");
        await Eventually.WaitUntilAsync(
            () =>
            {
                using var response = http.Send(new HttpRequestMessage(HttpMethod.Get, "/health"));
                last = (response.StatusCode, new StreamReader(response.Content.ReadAsStream()).ReadToEnd());
                return (status is null || last.Status == status) && matches(last.Body);
            },
            Within,
            () => $"expected {expected} from /health within {Within.TotalSeconds:0} s; last answer {(int)last.Status}: {last.Body}");
        return last;
    }
}
