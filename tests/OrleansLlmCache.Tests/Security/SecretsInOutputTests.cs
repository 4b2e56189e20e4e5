using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Security;

/// <summary>
/// The silo program and the <c>llmcache</c> CLI, started with connection strings that carry a password and cannot be
/// used: what they print says what is wrong and never the password.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SecretsInOutputTests
{
    private const string Secret = "zz-not-for-any-output-zz";

    [Theory]
    [InlineData("Redis", "127.0.0.1:{port},password=" + Secret, "Redis at 127.0.0.1:{port} is unreachable")]
    [InlineData("Redis", "127.0.0.1:{port},password=" + Secret + ",bogus=1", "ConnectionStrings:Redis is malformed")]
    [InlineData("PostgreSQL", "Host=127.0.0.1;Port={port};Database=llmcache;Username=x;Password=" + Secret + ";Timeout=2", "PostgreSQL at 127.0.0.1:{port} (database llmcache) is unreachable")]
    [InlineData("PostgreSQL", "Host=127.0.0.1;Port={port};Password=" + Secret + ";Bogus=1", "ConnectionStrings:PostgreSQL is malformed")]
    public async Task TheSilo_RefusingABackend_NeverPrintsItsPassword(string backend, string connectionString, string expected)
    {
        var port = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string>
        {
            [$"ConnectionStrings__{backend}"] = connectionString.Replace("{port}", port, StringComparison.Ordinal),
            ["LlmCache__Silo__StartupConnectAttempts"] = "1",
            [backend == "Redis" ? "LlmCache__Silo__Clustering" : "LlmCache__Silo__Storage"] = backend,
        };

        await using var silo = await SiloProcess.StartAsync(environment, waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains(expected.Replace("{port}", port, StringComparison.Ordinal), silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, silo.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:1,password=" + Secret + ",bogus=1", "--redis '127.0.0.1:1,password=***")]
    [InlineData("127.0.0.1:{port},password=" + Secret, "is unreachable")]
    public async Task TheCli_NeverPrintsTheRedisPassword(string redis, string expected)
    {
        var (exitCode, output) = await CliRunner.RunAsync(
            "stats", "--json", "--redis", redis.Replace("{port}", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
    }
}
