using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using OrleansLlmCache.Hosting.Clustering;
using OrleansLlmCache.Hosting.Options;
using StackExchange.Redis;

namespace OrleansLlmCache.Tests.Cluster;

/// <summary>
/// The restorer against a real redis-server, its membership hash written by hand: what it writes back, what it leaves
/// alone. (The end-to-end recovery with silo processes is in <see cref="RedisMembershipRecoveryTests"/>.)
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisMembershipRestorerTests : IAsyncLifetime
{
    private static readonly SiloAddress Self = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private readonly ClusterOptions _cluster = new() { ServiceId = "llmcache", ClusterId = "restorer-" + Guid.NewGuid().ToString("N")[..8] };
    private LocalRedis _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    private RedisKey Table => $"{_cluster.ServiceId}/members/{_cluster.ClusterId}";

    private IDatabase Db => _connection.GetDatabase();

    public async Task InitializeAsync()
    {
        _redis = await LocalRedis.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task TableRecreatedEmpty_IsRestoredAboveEveryVersion_KeepingRowsWrittenSince()
    {
        await Db.HashSetAsync(Table, [new("Version", "5"), new("silo-a", "row a"), new("silo-b", "row b")]);
        await using var restorer = await StartAsync(SiloStatus.Active, localVersion: 5);
        await restorer.CheckOnceAsync(); // keeps the copy

        // Redis restarts empty; a client re-creates the table at version 0 and a new silo joins it (version 1).
        await Db.KeyDeleteAsync(Table);
        await Db.HashSetAsync(Table, [new("Version", "1"), new("silo-b", "row b, newer"), new("silo-c", "row c")]);
        await restorer.CheckOnceAsync();

        var table = (await Db.HashGetAllAsync(Table)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal("6", table["Version"]);
        Assert.Equal("row a", table["silo-a"]);
        Assert.Equal("row b, newer", table["silo-b"]);
        Assert.Equal("row c", table["silo-c"]);
    }

    [Fact]
    public async Task NewVersionIsAboveTheSilosOwnView_WhenItsViewIsNewerThanItsCopy()
    {
        await Db.HashSetAsync(Table, [new("Version", "5"), new("silo-a", "row a")]);
        await using var restorer = await StartAsync(SiloStatus.Active, localVersion: 9);
        await restorer.CheckOnceAsync();
        await Db.KeyDeleteAsync(Table);
        await restorer.CheckOnceAsync();

        Assert.Equal("10", (string?)await Db.HashGetAsync(Table, "Version"));
    }

    [Fact]
    public async Task SiloThatIsNotActive_DoesNotBringTheTableBack()
    {
        await Db.HashSetAsync(Table, [new("Version", "5"), new("silo-a", "row a")]);
        await using var restorer = await StartAsync(SiloStatus.ShuttingDown, localVersion: 5);
        await restorer.CheckOnceAsync();
        await Db.KeyDeleteAsync(Table);
        await restorer.CheckOnceAsync();

        Assert.False(await Db.KeyExistsAsync(Table));
    }

    private async Task<RedisMembershipRestorer> StartAsync(SiloStatus status, long localVersion)
    {
        var restorer = new RedisMembershipRestorer(
            Options.Create(new RedisClusteringOptions { ConfigurationOptions = ConfigurationOptions.Parse(_redis.ConnectionString) }),
            Options.Create(_cluster),
            new FixedMembership(new ClusterMembershipSnapshot(
                ImmutableDictionary<SiloAddress, ClusterMember>.Empty.Add(Self, new ClusterMember(Self, status, "self")),
                new MembershipVersion(localVersion))),
            new FixedSiloDetails(),
            new LlmCacheSiloOptions(),
            NullLogger<RedisMembershipRestorer>.Instance);
        await restorer.StartAsync(CancellationToken.None);
        return restorer;
    }

    private sealed class FixedMembership(ClusterMembershipSnapshot snapshot) : IClusterMembershipService
    {
        public ClusterMembershipSnapshot CurrentSnapshot => snapshot;

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);
    }

    private sealed class FixedSiloDetails : ILocalSiloDetails
    {
        public string Name => "self";

        public string ClusterId => "restorer";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress => Self;

        public SiloAddress GatewayAddress => Self;
    }
}
