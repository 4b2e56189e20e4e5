using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansLlmCache.Tests.Gateway;

namespace OrleansLlmCache.Tests.Deploy;

/// <summary>
/// The real silo program reading its settings from a directory laid out like the mounted Secret llmcache-gateway
/// (<c>LLMCACHE_CONFIG_DIR</c>): any number of gateway API keys, each to its own tenant, and the upstream's key.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SiloConfigDirectoryTests
{
    private const string AcmeKey = "sk-llmcache-acme";
    private const string GlobexKey = "sk-llmcache-globex";

    [Fact]
    public async Task TwoKeysFromTheDirectory_EachAuthenticateToTheirOwnTenant_AndTheUpstreamGetsItsKey()
    {
        await using var upstream = await StubUpstream.StartAsync();
        using var settings = SecretVolume.Create(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["LlmCache__Gateway__Upstream__BaseUrl"] = upstream.BaseUrl,
            ["LlmCache__Gateway__Upstream__ApiKey"] = "sk-upstream-from-a-file\n", // a final line break, as `echo` writes, is dropped
            ["LlmCache__Gateway__ApiKeys__0__Sha256"] = GatewayHost.Sha256(AcmeKey),
            ["LlmCache__Gateway__ApiKeys__0__Tenant"] = "acme",
            ["LlmCache__Gateway__ApiKeys__1__Sha256"] = GatewayHost.Sha256(GlobexKey),
            ["LlmCache__Gateway__ApiKeys__1__Tenant"] = "globex",
        });
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string>
        {
            [SiloManifest.SettingsDirectoryVariable] = settings.Path,
            ["LlmCache__Silo__ClusterId"] = "settings-" + Guid.NewGuid().ToString("N")[..8],
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}/v1/"), Timeout = TimeSpan.FromSeconds(30) };

        var acme = await AskAsync(http, AcmeKey);
        var globex = await AskAsync(http, GlobexKey);
        var stranger = await AskAsync(http, "sk-llmcache-unknown");

        Assert.Equal(HttpStatusCode.OK, acme.Status);
        Assert.StartsWith("acme/", acme.Key, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, globex.Status);
        Assert.StartsWith("globex/", globex.Key, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, stranger.Status);
        Assert.Equal(2, upstream.Calls);
        Assert.Equal("Bearer sk-upstream-from-a-file", upstream.LastAuthorization);
    }

    [Theory]
    [InlineData("missing", "LLMCACHE_CONFIG_DIR is '", "which is not a directory")]
    [InlineData("api-key-0-sha256", "holds api-key-0-sha256, which name no setting", "LlmCache__Gateway__ApiKeys__0__Sha256")]
    [InlineData("LlmCache__Gateway__ApiKeys__0__Sha256", "LlmCache:Gateway:ApiKeys:0:Sha256 must be the 64 hex digits", "sha256sum")]
    public async Task AMissingDirectory_AFileThatNamesNoSetting_OrABadSetting_StopsTheSilo_NamingIt(string entry, string named, string fix)
    {
        using var settings = SecretVolume.Create(entry == "missing"
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { [entry] = "sk-the-key-itself-not-its-hash" });
        var directory = entry == "missing" ? Path.Combine(settings.Path, "no-such-directory") : settings.Path;

        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { [SiloManifest.SettingsDirectoryVariable] = directory }, waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(named, silo.Output, StringComparison.Ordinal);
        Assert.Contains(fix, silo.Output, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string? Key)> AskAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = new StringContent($$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Who am I? {{Guid.NewGuid():N}}"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Headers.TryGetValues("x-llmcache-key", out var values) ? values.Single() : null);
    }
}
