using System.Net;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Security;

/// <summary>
/// The operator pages of a real silo program behind Basic authentication: who gets in, who is challenged, and how failed
/// logins are limited per client address (each test connects from loopback addresses of its own) and logged.
/// </summary>
[Trait("Category", "Integration")]
public sealed class OperatorPagesBasicTests(BasicOperatorSilo fixture) : IClassFixture<BasicOperatorSilo>
{
    private int Port => fixture.Silo.HttpPort;

    [Fact]
    public async Task WithoutCredentials_EveryOperatorPageIsChallenged_AndTheClustersPathsAnswer()
    {
        using var anonymous = OperatorClient.From("127.0.0.10", Port);

        foreach (var page in OperatorClient.Pages)
        {
            using var response = await anonymous.GetAsync(page);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }

        foreach (var path in OperatorClient.ClusterPaths)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path)).StatusCode);
        }
    }

    [Fact]
    public async Task TheRightCredentials_OpenEveryPage_AndWrongOnesAreRefused()
    {
        using var operatorClient = OperatorClient.From("127.0.0.11", Port, BasicOperatorSilo.User, BasicOperatorSilo.Password);
        using var wrongPassword = OperatorClient.From("127.0.0.12", Port, BasicOperatorSilo.User, "correct horse battery");
        using var wrongUser = OperatorClient.From("127.0.0.12", Port, "admin", BasicOperatorSilo.Password);

        foreach (var page in OperatorClient.Pages)
        {
            Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync(page)).StatusCode);
        }

        Assert.Contains("\"hitRate\"", await operatorClient.GetStringAsync("/cache/api/stats"), StringComparison.Ordinal);
        using var refused = await wrongPassword.GetAsync("/cache/api/stats");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Basic", Assert.Single(refused.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongUser.GetAsync("/dashboard/")).StatusCode);
    }

    [Fact]
    public async Task FailedLogins_AreLimitedPerAddress_LoggedWithoutThePassword_AndSuccessesAreNot()
    {
        const string Guess = "Tr0ub4dor&3-guess";
        using var attacker = OperatorClient.From("127.0.0.13", Port, BasicOperatorSilo.User, Guess);
        using var attackerWithThePassword = OperatorClient.From("127.0.0.13", Port, BasicOperatorSilo.User, BasicOperatorSilo.Password);
        using var operatorClient = OperatorClient.From("127.0.0.14", Port, BasicOperatorSilo.User, BasicOperatorSilo.Password);

        // An operator's browser sends the credentials with every poll: many successes, never limited.
        for (var i = 0; i < BasicOperatorSilo.FailedLoginLimit * 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/cache/api/stats")).StatusCode);
        }

        for (var i = 0; i < BasicOperatorSilo.FailedLoginLimit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.GetAsync("/dashboard/")).StatusCode);
        }

        using var limited = await attacker.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"a 429 says when to retry; Retry-After was '{limited.Headers.RetryAfter}'");

        // Past the limit the right password is refused from that address too, or guessing would go on; elsewhere it works.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await attackerWithThePassword.GetAsync("/cache/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/cache/")).StatusCode);

        await Eventually.WaitUntilAsync(
            () => fixture.Silo.Output.Contains("Login to the operator pages from 127.0.0.13 refused", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            () => "the refusal was not logged:\n" + fixture.Silo.Output);
        Assert.Contains($"Failed login to the operator pages as user '{BasicOperatorSilo.User}' from 127.0.0.13", fixture.Silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Guess, fixture.Silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(BasicOperatorSilo.Password, fixture.Silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BehindTheTrustedProxy_TheLimitCountsTheForwardedClient_SoOneAttackerDoesNotLockEveryoneOut()
    {
        using var proxy = OperatorClient.From(BasicOperatorSilo.Proxy, Port);

        for (var i = 0; i < BasicOperatorSilo.FailedLoginLimit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await proxy.SendAsync(Forwarded("203.0.113.7", "wrong"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await proxy.SendAsync(Forwarded("203.0.113.7", "wrong"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await proxy.SendAsync(Forwarded("203.0.113.8", BasicOperatorSilo.Password))).StatusCode);

        // From anywhere else X-Forwarded-For is the caller's own claim: it is the connection's address that counts.
        using var untrusted = OperatorClient.From("127.0.0.15", Port);
        for (var i = 0; i < BasicOperatorSilo.FailedLoginLimit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await untrusted.SendAsync(Forwarded($"198.51.100.{i}", "wrong"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await untrusted.SendAsync(Forwarded("198.51.100.99", BasicOperatorSilo.Password))).StatusCode);
        await Eventually.WaitUntilAsync(
            () => fixture.Silo.Output.Contains("from 203.0.113.7: wrong user name or password", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            () => "the forwarded client's address was not logged:\n" + fixture.Silo.Output);
    }

    private static HttpRequestMessage Forwarded(string client, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/cache/api/stats");
        request.Headers.Authorization = OperatorClient.Basic(BasicOperatorSilo.User, password);
        request.Headers.Add("X-Forwarded-For", client);
        return request;
    }
}
