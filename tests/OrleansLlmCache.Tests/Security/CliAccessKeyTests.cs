using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Security;

/// <summary>The <c>llmcache</c> CLI against silos that enforce tenant access: an operator tool, with an operator key.</summary>
[Collection(TenantAccessCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CliAccessKeyTests(TenantAccessFixture fixture)
{
    [Fact]
    public async Task Get_WithTheOperatorKey_ReadsAnyTenant_AndWithoutAKeyOrWithAnotherTenantsSaysWhatToConfigure()
    {
        string[] entry =
        [
            "get", "--gateway", $"127.0.0.1:{fixture.Silo.GatewayPort}", "--cluster-id", fixture.Silo.ClusterId,
            "--tenant", TenantAccessFixture.TenantA, "--namespace", TenantAccessFixture.Namespace, "--key", fixture.EntryA.Id,
        ];

        var withOperatorKey = await CliRunner.RunAsync([.. entry, "--access-key", TestAccessKeys.OperatorKey]);
        var withoutKey = await CliRunner.RunAsync(entry);
        var withTenantBsKey = await CliRunner.RunAsync([.. entry, "--access-key", TestAccessKeys.KeyB]);
        var withAPassword = await CliRunner.RunAsync([.. entry, "--access-key", "hunter2"]);

        Assert.True(withOperatorKey.ExitCode == 0, withOperatorKey.Output);
        Assert.Contains(TenantAccessFixture.Answer, withOperatorKey.Output, StringComparison.Ordinal);
        Assert.Equal(4, withoutKey.ExitCode); // refused by the cluster
        Assert.Contains($"error: Access to tenant '{TenantAccessFixture.TenantA}' was refused: this client sent no access key", withoutKey.Output, StringComparison.Ordinal);
        Assert.Contains("LLMCACHE_ACCESS_KEY or --access-key", withoutKey.Output, StringComparison.Ordinal);
        Assert.Equal(4, withTenantBsKey.ExitCode);
        Assert.Contains($"reaches only '{TenantAccessFixture.TenantB}'", withTenantBsKey.Output, StringComparison.Ordinal);
        Assert.Equal(2, withAPassword.ExitCode); // a usage error: the flag's value
        Assert.Contains("error: --access-key (or LLMCACHE_ACCESS_KEY) is not a usable key: LlmCache:Cluster:AccessKey must be 16 to 512 characters", withAPassword.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", withAPassword.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_WithTheOperatorKey_ShowsTheCluster()
    {
        var stats = await CliRunner.RunAsync(
            "stats", "--gateway", $"127.0.0.1:{fixture.Silo.GatewayPort}", "--cluster-id", fixture.Silo.ClusterId, "--access-key", TestAccessKeys.OperatorKey);

        Assert.True(stats.ExitCode == 0, stats.Output);
    }
}
