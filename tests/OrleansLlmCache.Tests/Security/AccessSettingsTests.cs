using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Hosting;
using OrleansLlmCache.Grains.Access;
using OrleansLlmCache.Hosting.Startup;

namespace OrleansLlmCache.Tests.Security;

/// <summary>
/// The access settings on both sides, without a cluster: the silos' keys and their checks, what a key reaches and how
/// shared answers are cut to it, the app server's key, and what the silo says at start-up.
/// </summary>
public sealed class AccessSettingsTests
{
    private static readonly string HashA = TestAccessKeys.Sha256(TestAccessKeys.KeyA);
    private static readonly string HashOperator = TestAccessKeys.Sha256(TestAccessKeys.OperatorKey);

    [Fact]
    public void SiloKeys_EveryWrongOneIsNamed_WithWhatItTakes()
    {
        var options = new LlmCacheAccessOptions
        {
            Keys =
            [
                new AccessKeyOptions { Sha256 = TestAccessKeys.KeyA, Tenants = ["acme"] },        // the key, not its hash
                new AccessKeyOptions { Sha256 = HashA, Tenants = [] },                                  // reaches nothing
                new AccessKeyOptions { Sha256 = HashA.ToUpperInvariant(), Tenants = ["acme"] },         // the same key again
                new AccessKeyOptions { Sha256 = HashOperator, Operator = true, Tenants = ["acme"] },    // both kinds
                new AccessKeyOptions { Sha256 = TestAccessKeys.Sha256("x-0123456789abcdef"), Tenants = ["a/b"] },
            ],
        };

        var failures = new LlmCacheAccessOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Equal(
            [
                "LlmCache:Access:Keys:0:Sha256 must be the 64 hex digits of the key's SHA-256 (printf %s \"$KEY\" | sha256sum), not the key itself.",
                "LlmCache:Access:Keys:1:Tenants is empty: name the tenants the key reaches (Tenants:0=acme), or set Operator: true for a key that reaches every tenant.",
                "LlmCache:Access:Keys:2:Sha256 repeats the hash of an earlier key: give a key one entry, with all its tenants.",
                "LlmCache:Access:Keys:3:Tenants must be empty for an operator key (Operator: true reaches every tenant).",
                "LlmCache:Access:Keys:4:Tenants:0 is not valid: The tenant 'a/b' contains '/'; use only letters, digits and _ . : -",
            ],
            failures);
        Assert.True(new LlmCacheAccessOptionsValidator().Validate(null, new LlmCacheAccessOptions()).Succeeded);
    }

    [Fact]
    public void KeyTable_FindsEachKeysGrant_InEitherCaseOfItsHash_AndNothingForAnyOtherKey()
    {
        var table = Table(
            new AccessKeyOptions { Name = "acme-app", Sha256 = HashA.ToUpperInvariant(), Tenants = ["acme", "acme-eu"] },
            new AccessKeyOptions { Sha256 = HashOperator, Operator = true });

        var acme = table.Find(TestAccessKeys.KeyA);
        var again = table.Find(new string(TestAccessKeys.KeyA.ToCharArray())); // another string, the same key
        var operators = table.Find(TestAccessKeys.OperatorKey);

        Assert.True(table.IsEnforced);
        Assert.Same(acme, again);
        Assert.Equal("acme-app", acme!.Name);
        Assert.True(acme.Allows("acme") && acme.Allows("acme-eu") && acme.Allows("acme"u8));
        Assert.False(acme.Allows("globex") || acme.Allows("acm") || acme.Allows("acme-"u8) || acme.Allows((string?)null));
        Assert.Equal("Keys:1", operators!.Name);
        Assert.True(operators.IsOperator && operators.Allows("anyone") && operators.Allows("anyone"u8));
        Assert.Null(table.Find(TestAccessKeys.KeyA + " "));
        Assert.Null(table.Find(TestAccessKeys.UnknownKey));
        Assert.Null(table.Find(""));
        Assert.Null(table.Find(new string('k', 100_000)));
        Assert.False(Table().IsEnforced);
    }

    [Fact]
    public void Statistics_AreCutToTheKeysTenants()
    {
        var grant = new AccessGrant("b", false, ["tenant-b"]);
        var statistics = new ClusterStatistics(
            [Row("tenant-a"), Row("tenant-b"), Row(null)],
            [1, 2, 3],
            [4, 5],
            DateTimeOffset.UnixEpoch,
            [new EmbeddingUsageRow("docs", 1, 1, 1m)],
            [new StatisticsSnapshot(DateTimeOffset.UnixEpoch, 1, 1, 1m, 1m, 0)]);

        var seen = TenantScope.Of(statistics, grant);
        var candidates = TenantScope.Of([new WarmingCandidate("tenant-a/docs/1", 9), new WarmingCandidate("tenant-b/docs/2", 3), new WarmingCandidate("tenant-b", 1)], grant);

        Assert.Equal(["tenant-b"], seen.Rows.Select(r => r.Tenant));
        Assert.Equal([0, 0, 0], seen.HitHistogram);
        Assert.Equal([0, 0], seen.MissHistogram);
        Assert.Empty(seen.Embedding);
        Assert.Empty(seen.History);
        Assert.Equal(DateTimeOffset.UnixEpoch, seen.Since);
        Assert.Equal(["tenant-b/docs/2", "tenant-b"], candidates.Select(c => c.Key));
        Assert.Equal("acme", TenantScope.TenantOf("acme/tag:x#3"));
        Assert.Equal("acme", TenantScope.TenantOf("acme"));
        Assert.True(TenantScope.TenantOf("acme/docs/1"u8).SequenceEqual("acme"u8));
    }

    [Fact]
    public void Broadcasts_AreCutToTheSubscribersTenants_UnderTheSameSequenceNumber()
    {
        var message = new InvalidationMessage(
            42,
            new Dictionary<string, long> { ["tenant-a/tag:x"] = 3, ["tenant-b/dep:y"] = 4, ["tenant-b/ns:docs"] = 5, ["tenant-bb/tag:z"] = 6 },
            ["tenant-a/docs/1", "tenant-b/docs/2", "tenant-b"]);

        var seen = TenantScope.Of(message, ["tenant-b"]);

        Assert.Equal(42, seen.Sequence);
        Assert.Equal(["tenant-b/dep:y", "tenant-b/ns:docs"], seen.Versions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["tenant-b/docs/2", "tenant-b"], seen.EvictedEntries);
        Assert.Empty(TenantScope.Of(message, ["tenant-c"]).Versions);
    }

    [Theory]
    [InlineData("too-short")]
    [InlineData("a key with spaces in it")]
    [InlineData("llmcache-test-key-with-a-line-break\n")]
    public void AppServerKey_ThatCannotBeOne_IsRefused_NamingTheSetting(string key)
    {
        var failure = new LlmCacheClusterOptionsValidator().Validate(null, new LlmCacheClusterOptions { AccessKey = key });

        Assert.Equal(
            "LlmCache:Cluster:AccessKey must be 16 to 512 characters without white space (make one with openssl rand -hex 24); it is the key itself, not its SHA-256, which only the silos hold.",
            Assert.Single(failure.Failures!));
        Assert.Throws<ArgumentException>(() =>
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.UseOrleansClient(c => c.UseOrleansLlmCacheCluster(o => o.AccessKey = key));
            using var host = builder.Build();
        });
    }

    [Fact]
    public void AppServerKey_ComesFromConfiguration_UnlessCodeSetsIt_AndRidesOnEveryCall()
    {
        static IServiceCollection Client(string? configured, Action<LlmCacheClusterOptions> configure)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["LlmCache:Cluster:AccessKey"] = configured });
            builder.UseOrleansClient(c => c.UseOrleansLlmCacheCluster(configure));
            return builder.Services;
        }

        static string? KeyOf(IServiceCollection services) =>
            services.Where(d => d.ServiceType == typeof(IOutgoingGrainCallFilter)).Select(d => d.ImplementationInstance).OfType<AccessKeyCallFilter>().SingleOrDefault()?.AccessKey;

        Assert.Equal(TestAccessKeys.KeyA, KeyOf(Client(TestAccessKeys.KeyA, _ => { })));
        Assert.Equal(TestAccessKeys.KeyB, KeyOf(Client(TestAccessKeys.KeyA, o => o.AccessKey = TestAccessKeys.KeyB)));
        Assert.Null(KeyOf(Client(null, _ => { })));
        Assert.Null(KeyOf(Client("", _ => { }))); // an empty variable is no key
    }

    [Fact]
    public async Task StartUp_SaysWhetherAccessIsEnforced_AndRefusesToRunOpenBeyondLoopback()
    {
        var keys = new LlmCacheAccessOptions { Keys = [new AccessKeyOptions { Sha256 = HashA, Tenants = ["acme", "globex"] }, new AccessKeyOptions { Sha256 = HashOperator, Operator = true }] };

        Assert.Equal(
            "Tenant access is enforced: 2 access key(s), 1 of them operator keys, for tenants acme, globex. Every call from a client needs a key that reaches its tenant.",
            await LogOfStartAsync(IPAddress.Any, keys));
        Assert.Equal(
            "Tenant access is not enforced (no LlmCache:Access:Keys): any client that reaches the gateway port 127.0.0.1:30000 reaches every tenant. The silo listens on loopback only.",
            await LogOfStartAsync(IPAddress.Loopback, new LlmCacheAccessOptions()));
        Assert.StartsWith(
            "Tenant access is not enforced (no LlmCache:Access:Keys, and LlmCache:Access:AllowOpen is true) while the silo listens on 10.0.0.12",
            await LogOfStartAsync(IPAddress.Parse("10.0.0.12"), new LlmCacheAccessOptions { AllowOpen = true }));
        var refusal = await Assert.ThrowsAsync<LlmCacheStartupException>(() => LogOfStartAsync(IPAddress.Parse("10.0.0.12"), new LlmCacheAccessOptions()));
        Assert.StartsWith("LlmCache:Access:Keys is empty while the silo listens on 10.0.0.12 (gateway port 30000)", refusal.Message, StringComparison.Ordinal);
    }

    private static async Task<string> LogOfStartAsync(IPAddress listenAddress, LlmCacheAccessOptions options)
    {
        var logger = new FakeLogger<TenantAccessPreflight>();
        await new TenantAccessPreflight(listenAddress, 30000, Options.Create(options), logger).StartAsync(CancellationToken.None);
        return logger.LatestRecord.Message;
    }

    private static AccessKeyTable Table(params AccessKeyOptions[] keys) => new(Options.Create(new LlmCacheAccessOptions { Keys = [.. keys] }));

    private static StatisticsRow Row(string? tenant) => new("docs", "gpt-4", "l1", 1, 1, 1, 1, 1m, tenant);
}
