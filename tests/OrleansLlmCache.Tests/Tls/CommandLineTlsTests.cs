using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Tls;

/// <summary>
/// The <c>llmcache</c> program reads its TLS from the <c>LlmCache__Cluster__Tls__*</c> environment variables an app
/// server would have, and reaches a silo with mutual TLS with them; a wrong one is named.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CommandLineTlsTests : IDisposable
{
    private readonly TlsCluster _cluster = new();

    [Fact]
    public async Task SetAndGet_ReachASiloWithMutualTls_ThroughTheEnvironmentsTlsSettings()
    {
        await using var silo = await _cluster.StartSiloAsync(clientCertificateRequired: true);
        var environment = Environment();
        string[] cluster = ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", silo.ClusterId, "--key", "tls-cli"];

        var set = await RunAsync(["set", .. cluster, "--response", "stored over TLS", "--model", "gpt-4"], environment);
        var get = await RunAsync(["get", .. cluster], environment);

        Assert.True(set.ExitCode == 0, set.Output);
        Assert.True(get.ExitCode == 0, get.Output);
        Assert.Contains("stored over TLS", get.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACertificateFileThatDoesNotExist_IsNamed()
    {
        var environment = Environment();
        environment["LlmCache__Cluster__Tls__CertificatePath"] = "/nowhere/my-app.crt";

        var get = await RunAsync(["get", "--gateway", "127.0.0.1:1", "--key", "tls-cli"], environment);

        Assert.Equal(2, get.ExitCode); // a setting to fix, like a malformed option
        Assert.Contains("LlmCache:Cluster:Tls:CertificatePath '/nowhere/my-app.crt' does not exist", get.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _cluster.Dispose();

    private Dictionary<string, string> Environment() => new()
    {
        ["LlmCache__Cluster__Tls__Enabled"] = "true",
        ["LlmCache__Cluster__Tls__CaCertificatePath"] = _cluster.CaPath,
        ["LlmCache__Cluster__Tls__ServerName"] = TlsCluster.ServerName,
        ["LlmCache__Cluster__Tls__CertificatePath"] = _cluster.Client.Certificate,
        ["LlmCache__Cluster__Tls__KeyPath"] = _cluster.Client.Key,
    };

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] args, Dictionary<string, string> environment)
    {
        await using var process = CliProcess.Start(args, environment);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        return (exitCode, process.Output + process.Error);
    }
}
