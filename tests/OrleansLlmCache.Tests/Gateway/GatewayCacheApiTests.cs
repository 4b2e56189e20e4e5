using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>The plain cache API (get, set, delete, invalidate, stats) over HTTP, in the API key's tenant.</summary>
[Trait("Category", "Integration")]
[Collection(ClusterCollection.Name)]
public sealed class GatewayCacheApiTests(ClusterFixture fixture) : IAsyncLifetime
{
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync(fixture.Cache, fixture.Grains);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task PythonKey_PutGetDelete_InTheKeysTenant()
    {
        // The article's create_cache_key for this request, as a Python service computes it.
        var key = new PromptRequest($"Explain caching {Guid.NewGuid():N}", "gpt-4", 0.7, 500).ComputeHash();
        using var http = _gateway.CreateHttpClient();

        using var put = await http.PutAsync($"cache/entries/{key}", Json("""{"response":"Caching keeps answers.","model":"gpt-4","ttlSeconds":3600,"tags":["faq"]}"""));
        using var get = await http.GetAsync($"cache/entries/{key}");
        var entry = JsonNode.Parse(await get.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("Caching keeps answers.", (string?)entry["response"]);
        Assert.Equal("faq", (string?)entry["tags"]![0]);
        Assert.NotNull(await fixture.Cache.GetAsync(new CacheKey(GatewayHost.TenantA, "default", key)));

        using var otherTenant = _gateway.CreateHttpClient(GatewayHost.KeyB);
        using var hidden = await otherTenant.GetAsync($"cache/entries/{key}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);

        using var delete = await http.DeleteAsync($"cache/entries/{key}");
        Assert.True((bool)JsonNode.Parse(await delete.Content.ReadAsStringAsync())!["removed"]!);
        using var gone = await http.GetAsync($"cache/entries/{key}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Invalidate_ByDependency_ReportsWhatItReached()
    {
        using var http = _gateway.CreateHttpClient();
        var dependency = "pricing-" + Guid.NewGuid().ToString("N")[..8];
        using var put = await http.PutAsync("cache/entries/price-answer", Json($$"""{"response":"$10","dependencies":["{{dependency}}"]}"""));

        using var invalidate = await http.PostAsync("cache/invalidate", Json($$"""{"dependency":"{{dependency}}"}"""));
        var result = JsonNode.Parse(await invalidate.Content.ReadAsStringAsync())!;
        using var after = await http.GetAsync("cache/entries/price-answer");

        Assert.Equal(HttpStatusCode.OK, invalidate.StatusCode);
        Assert.True((bool)result["complete"]!);
        Assert.Single(result["keys"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task BadRequests_Get400_AndStatsAnswer()
    {
        using var http = _gateway.CreateHttpClient();
        using var badKey = await http.GetAsync("cache/entries/has%20space");
        using var noResponse = await http.PutAsync("cache/entries/x", Json("""{"model":"gpt-4"}"""));
        using var twoTargets = await http.PostAsync("cache/invalidate", Json("""{"tag":"a","dependency":"b"}"""));
        using var stats = await http.GetAsync("cache/stats");

        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);
        Assert.Contains("letters, digits", await badKey.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, noResponse.StatusCode);
        Assert.Contains("'response'", (string?)JsonNode.Parse(await noResponse.Content.ReadAsStringAsync())!["error"]!["message"]);
        Assert.Equal(HttpStatusCode.BadRequest, twoTargets.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.NotNull(JsonNode.Parse(await stats.Content.ReadAsStringAsync())!["hits"]);
    }

    [Fact]
    public async Task Stats_ShowOnlyTheKeysTenant_NeverAnotherTenantsNamespacesModelsOrCounts()
    {
        // Both tenants use the same namespace and model names, so that only the tenant tells their rows apart; and a
        // namespace and a model only tenant B uses, which tenant A must not learn of.
        var shared = "stats-" + Guid.NewGuid().ToString("N")[..8];
        var secretNamespace = "content:secret-" + Guid.NewGuid().ToString("N")[..8];
        var secretModel = "model-of-b-" + Guid.NewGuid().ToString("N")[..8];
        var statistics = fixture.Grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key);
        await statistics.ReportAsync(new StatisticsReport(
            [
                new StatisticsRow(shared, "gpt-4", "silo", 3, 3, 30, 30, 0.3m, GatewayHost.TenantA),
                new StatisticsRow(shared, "gpt-4", "silo", 1000, 1000, 10_000, 10_000, 100m, GatewayHost.TenantB),
                new StatisticsRow(secretNamespace, secretModel, ClusterStatistics.MissOutcome, 7, 7, 70, 70, 0.7m, GatewayHost.TenantB),
                new StatisticsRow(shared, secretModel, ClusterStatistics.MissOutcome, 5, 5, 50, 50, 0.5m), // no tenant: cannot be attributed
            ],
            new long[LatencyHistogram.Buckets],
            new long[LatencyHistogram.Buckets],
            new Dictionary<string, long>(),
            new Dictionary<string, string>()));

        using var http = _gateway.CreateHttpClient(GatewayHost.KeyA);
        using var response = await http.GetAsync("cache/stats");
        var body = await response.Content.ReadAsStringAsync();
        var stats = JsonNode.Parse(body)!;
        var rows = stats["rows"]!.AsArray().Select(r => r!).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(GatewayHost.TenantA, (string?)stats["tenant"]);
        var row = Assert.Single(rows, r => (string?)r["namespace"] == shared);
        Assert.Equal(3, (long)row["count"]!);
        Assert.DoesNotContain(secretNamespace, body, StringComparison.Ordinal);
        Assert.DoesNotContain(secretModel, body, StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayHost.TenantB, body, StringComparison.Ordinal);
        Assert.Equal(rows.Where(r => ClusterStatistics.IsHit((string)r["outcome"]!)).Sum(r => (long)r["count"]!), (long)stats["hits"]!);
        Assert.Equal(rows.Where(r => (string?)r["outcome"] == ClusterStatistics.MissOutcome).Sum(r => (long)r["count"]!), (long)stats["misses"]!);

        // Tenant B, bound to support and content:*, sees its own content:* row and nothing of tenant A's.
        using var httpB = _gateway.CreateHttpClient(GatewayHost.KeyB);
        var statsB = JsonNode.Parse(await httpB.GetStringAsync("cache/stats"))!;
        Assert.Equal(7, (long)Assert.Single(statsB["rows"]!.AsArray(), r => (string?)r!["namespace"] == secretNamespace)!["count"]!);
        Assert.DoesNotContain(statsB["rows"]!.AsArray(), r => (string?)r!["namespace"] == shared);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
