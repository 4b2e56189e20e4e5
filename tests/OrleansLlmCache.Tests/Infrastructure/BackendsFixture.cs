namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>One real redis-server and one real PostgreSQL server for every test of the "backends" collection.</summary>
public sealed class BackendsFixture : IAsyncLifetime
{
    public LocalRedis Redis { get; private set; } = null!;

    public LocalPostgres Postgres { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var redis = LocalRedis.StartAsync();
        var postgres = LocalPostgres.StartAsync();
        Redis = await redis;
        Postgres = await postgres;
    }

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BackendsCollection : ICollectionFixture<BackendsFixture>
{
    public const string Name = "backends";
}
