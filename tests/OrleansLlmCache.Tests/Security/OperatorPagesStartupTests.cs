using System.Net;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Security;

/// <summary>
/// The silo program's start-up with the operator pages' settings: open pages in production are refused unless allowed,
/// wrong settings are named, and the trusted-proxy scheme believes its header only from the proxy's address.
/// </summary>
[Trait("Category", "Integration")]
public sealed class OperatorPagesStartupTests
{
    [Fact]
    public async Task InKubernetes_OpenOperatorPages_RefuseToStart_NamingTheSettings()
    {
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { ["POD_NAME"] = "llmcache-silo-0" }, waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("error: The operator pages (/dashboard, /cache and /cache/api) have no authentication while the silo runs in Kubernetes", silo.Output, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Dashboard:PasswordHash", silo.Output, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Dashboard:Authentication=TrustedProxy", silo.Output, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Dashboard:AllowOpen", silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("OrleansLlmCache silo is up", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InKubernetes_AllowOpen_StartsWithOpenPages_AndSaysSo()
    {
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string>
        {
            ["POD_NAME"] = "llmcache-silo-0",
            ["LlmCache__Dashboard__AllowOpen"] = "true",
        });
        using var http = OperatorClient.From("127.0.0.1", silo.HttpPort);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/cache/api/stats")).StatusCode);
        Assert.Contains("are open to anyone who reaches HTTP port", silo.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LlmCache__Dashboard__Authentication", "OpenIdConnect", "LlmCache:Dashboard:Authentication=OpenIdConnect is not offered")]
    [InlineData("LlmCache__Dashboard__Authentication", "Basic", "LlmCache:Dashboard:PasswordHash (or LlmCache:Dashboard:Password) is required with Authentication=Basic")]
    [InlineData("LlmCache__Dashboard__Authentication", "TrustedProxy", "LlmCache:Dashboard:TrustedProxy:Header must not be empty")]
    [InlineData("LlmCache__Dashboard__PasswordHash", "PBKDF2-SHA256:1000:c2FsdHNhbHRzYWx0c2FsdA==:aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=", "LlmCache:Dashboard:PasswordHash has 1000 iterations")]
    [InlineData("LlmCache__Dashboard__Pasword", "s3cret", "LlmCache:Dashboard has a setting the silo does not know")]
    [InlineData("LlmCache__Dashboard__TrustedProxy__Networks__0", "10.0.0.0/33", "LlmCache:Dashboard:TrustedProxy:Networks:0 is '10.0.0.0/33'")]
    public async Task WrongSettings_StopTheStart_NamingTheSetting(string variable, string value, string expected)
    {
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { [variable] = value }, waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(expected, silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrustedProxy_BelievesTheHeaderOnlyFromTheProxysAddress()
    {
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string>
        {
            ["LlmCache__Dashboard__Authentication"] = "TrustedProxy",
            ["LlmCache__Dashboard__TrustedProxy__Header"] = "X-Auth-Request-User",
            ["LlmCache__Dashboard__TrustedProxy__Networks__0"] = "127.0.0.2/32",
        });
        using var proxy = OperatorClient.From("127.0.0.2", silo.HttpPort);
        using var elsewhere = OperatorClient.From("127.0.0.3", silo.HttpPort);

        foreach (var page in OperatorClient.Pages)
        {
            Assert.Equal(HttpStatusCode.OK, (await proxy.SendAsync(SignedIn(page, "alice@example.com"))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.SendAsync(SignedIn(page, "alice@example.com"))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await proxy.GetAsync(page)).StatusCode); // nobody signed in
        }

        foreach (var path in OperatorClient.ClusterPaths)
        {
            Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync(path)).StatusCode);
        }

        await Eventually.WaitUntilAsync(
            () => silo.Output.Contains("X-Auth-Request-User came from 127.0.0.3, which is not in LlmCache:Dashboard:TrustedProxy:Networks", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            () => "the forged header was not logged:\n" + silo.Output);
    }

    private static HttpRequestMessage SignedIn(string path, string user)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Auth-Request-User", user);
        return request;
    }
}
