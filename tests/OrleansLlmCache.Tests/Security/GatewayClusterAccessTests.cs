using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansLlmCache.Tests.Gateway;

namespace OrleansLlmCache.Tests.Security;

/// <summary>
/// The HTTP gateway hosted by an app server whose Orleans client presents an access key: its calls reach the tenants
/// that key reaches, and a caller of another tenant gets a clear error instead of another tenant's data or a miss.
/// </summary>
[Collection(TenantAccessCollection.Name)]
[Trait("Category", "Integration")]
public sealed class GatewayClusterAccessTests(TenantAccessFixture fixture)
{
    [Fact]
    public async Task AGatewayWithTheOperatorKey_ServesTheTenantOfEveryApiKey()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.Operator.Cache, TenantAOperation.Grains(fixture.Operator));
        foreach (var apiKey in new[] { GatewayHost.KeyA, GatewayHost.KeyB })
        {
            using var http = gateway.CreateHttpClient(apiKey);
            var id = $"gateway-{Guid.NewGuid():N}";

            using var put = await http.PutAsync($"cache/entries/{id}", Json("""{"response":"through the gateway","model":"gpt-4"}"""));
            using var get = await http.GetAsync($"cache/entries/{id}");

            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal("through the gateway", (string?)JsonNode.Parse(await get.Content.ReadAsStringAsync())!["response"]);
        }

        // The stats of one API key are its tenant's alone, though the gateway's own key sees every tenant.
        using var stats = await gateway.CreateHttpClient(GatewayHost.KeyB).GetAsync("cache/stats");
        Assert.Equal(GatewayHost.TenantB, (string?)JsonNode.Parse(await stats.Content.ReadAsStringAsync())!["tenant"]);
    }

    [Fact]
    public async Task AGatewayWithOneTenantsKey_ServesThatTenant_AndAnswersAnotherTenantsCallerWithAClearError()
    {
        await using var gateway = await GatewayHost.StartAsync(fixture.A.Cache, TenantAOperation.Grains(fixture.A));
        using var tenantA = gateway.CreateHttpClient(GatewayHost.KeyA);
        using var tenantB = gateway.CreateHttpClient(GatewayHost.KeyB);
        var id = $"gateway-{Guid.NewGuid():N}";

        using var put = await tenantA.PutAsync($"cache/entries/{id}", Json("""{"response":"tenant A's","model":"gpt-4"}"""));
        using var refused = await tenantB.GetAsync($"cache/entries/{id}");
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.Equal("cluster_access_denied", (string?)error["code"]);
        var message = (string)error["message"]!;
        Assert.Contains($"tenant '{GatewayHost.TenantB}'", message, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Cluster:AccessKey", message, StringComparison.Ordinal);
        Assert.DoesNotContain("tenant-a-app", message, StringComparison.Ordinal); // which key the gateway holds is for its log
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
