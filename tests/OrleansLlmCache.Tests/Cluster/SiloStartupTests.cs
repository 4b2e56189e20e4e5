using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Cluster;

/// <summary>The silo program refuses a configuration it cannot run with, in one sentence, without a stack trace.</summary>
public sealed class SiloStartupTests
{
    [Fact]
    public async Task MalformedPostgresConnectionString_IsNamedAndExplained()
    {
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["LlmCache__Silo__Storage"] = "PostgreSQL",
                ["ConnectionStrings__PostgreSQL"] = "Host=localhost;Port=notanumber",
            },
            waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("ConnectionStrings:PostgreSQL is malformed", silo.Output, StringComparison.Ordinal);
        Assert.False(silo.Output.Contains("   at ", StringComparison.Ordinal), silo.Output);
    }

    [Fact]
    public async Task MissingRedisConnectionString_SaysWhatToSet()
    {
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string> { ["LlmCache__Silo__Clustering"] = "Redis" },
            waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("ConnectionStrings:Redis is required with Redis clustering", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableRedis_IsReportedAfterABoundedRetry()
    {
        var port = FreePorts.Next();
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["LlmCache__Silo__Clustering"] = "Redis",
                ["ConnectionStrings__Redis"] = $"127.0.0.1:{port}",
                ["LlmCache__Silo__StartupConnectAttempts"] = "2",
            },
            waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains($"Redis at 127.0.0.1:{port} is unreachable after 2 attempts", silo.Output, StringComparison.Ordinal);
        Assert.False(silo.Output.Contains("   at ", StringComparison.Ordinal), silo.Output);
    }

    [Fact]
    public async Task UnreachablePostgres_IsReportedAfterABoundedRetry()
    {
        var port = FreePorts.Next();
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["LlmCache__Silo__Storage"] = "PostgreSQL",
                ["ConnectionStrings__PostgreSQL"] = $"Host=127.0.0.1;Port={port};Database=llmcache;Username=x;Timeout=2",
                ["LlmCache__Silo__StartupConnectAttempts"] = "2",
            },
            waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains($"PostgreSQL at 127.0.0.1:{port} (database llmcache) is unreachable", silo.Output, StringComparison.Ordinal);
    }
}
