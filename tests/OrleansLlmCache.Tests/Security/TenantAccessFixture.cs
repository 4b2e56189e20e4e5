using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Conversations;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Security;

/// <summary>
/// A real silo on TCP that enforces tenant access, with keys for tenant <see cref="TenantA"/> (two: the old and the new
/// of a rotation), tenant <see cref="TenantB"/> and an operator; app servers connected with each key, one with no key
/// and one with a key the silo does not know; and tenant A's data: an entry with a tag and a dependency, a conversation
/// state, and statistics with a warming candidate.
/// </summary>
public sealed class TenantAccessFixture : IAsyncLifetime
{
    public const string TenantA = "tenant-a";
    public const string TenantB = "tenant-b";
    public const string Namespace = "docs";
    public const string Tag = "release-notes";
    public const string Dependency = "catalog";
    public const string ConversationId = "conv-1";
    public const string Answer = "tenant A's answer";
    public const string ConversationState = "tenant A's summary";

    public TcpSilo Silo { get; private set; } = null!;

    /// <summary>App servers with tenant A's key, its rotated key, tenant B's key, the operator key, no key and an unknown key.</summary>
    public ClientHost A { get; private set; } = null!;

    public ClientHost ARotated { get; private set; } = null!;

    public ClientHost B { get; private set; } = null!;

    public ClientHost Operator { get; private set; } = null!;

    public ClientHost NoKey { get; private set; } = null!;

    public ClientHost Unknown { get; private set; } = null!;

    /// <summary>Tenant A's entry, with <see cref="Tag"/> and <see cref="Dependency"/>.</summary>
    public CacheKey EntryA { get; private set; }

    /// <summary>The key tenant A's app server reported as missed (a warming candidate, with its request).</summary>
    public string MissedKeyA => $"{TenantA}/{Namespace}/missed-1";

    public async Task InitializeAsync()
    {
        Silo = await TcpSilo.StartAsync(
            "access-" + Guid.NewGuid().ToString("N")[..8],
            configuration: new Dictionary<string, string?>
            {
                ["LlmCache:Access:Keys:0:Name"] = "tenant-a-app",
                ["LlmCache:Access:Keys:0:Sha256"] = TestAccessKeys.Sha256(TestAccessKeys.KeyA),
                ["LlmCache:Access:Keys:0:Tenants:0"] = TenantA,
                ["LlmCache:Access:Keys:1:Name"] = "tenant-a-app-rotated",
                ["LlmCache:Access:Keys:1:Sha256"] = TestAccessKeys.Sha256(TestAccessKeys.KeyARotated).ToUpperInvariant(), // either case of hex digits
                ["LlmCache:Access:Keys:1:Tenants:0"] = TenantA,
                ["LlmCache:Access:Keys:2:Name"] = "tenant-b-app",
                ["LlmCache:Access:Keys:2:Sha256"] = TestAccessKeys.Sha256(TestAccessKeys.KeyB),
                ["LlmCache:Access:Keys:2:Tenants:0"] = TenantB,
                ["LlmCache:Access:Keys:3:Name"] = "operators",
                ["LlmCache:Access:Keys:3:Sha256"] = TestAccessKeys.Sha256(TestAccessKeys.OperatorKey),
                ["LlmCache:Access:Keys:3:Operator"] = "true",
                ["LlmCache:Invalidation:LeaseDuration"] = "00:00:05",
                ["LlmCache:Invalidation:RenewInterval"] = "00:00:00.250",
            });
        A = await ConnectAsync(TenantA, TestAccessKeys.KeyA);
        ARotated = await ConnectAsync(TenantA, TestAccessKeys.KeyARotated);
        B = await ConnectAsync(TenantB, TestAccessKeys.KeyB);
        Operator = await ConnectAsync(TenantA, TestAccessKeys.OperatorKey);
        NoKey = await ConnectAsync(TenantA, null);
        Unknown = await ConnectAsync(TenantA, TestAccessKeys.UnknownKey);

        EntryA = A.Cache.CreateKey("entry-1", TenantA, Namespace);
        await A.Cache.SetAsync(EntryA, new CachedResponse(Answer, "gpt-4", 10, 20), new LlmCacheEntryOptions { Tags = [Tag], Dependencies = [Dependency] });
        await A.Services.GetRequiredService<IConversationStateCache>().CacheStateAsync(ConversationId, 4, ConversationState, tenant: TenantA);
    }

    /// <summary>An app server of <paramref name="tenant"/> (its default tenant) presenting <paramref name="accessKey"/>, L1 on.</summary>
    public Task<ClientHost> ConnectAsync(string tenant, string? accessKey, Action<IServiceCollection>? services = null) =>
        ClientHost.ConnectToGatewayAsync(
            Silo.GatewayPort,
            Silo.ClusterId,
            configure: o =>
            {
                o.Tenant = tenant;
                o.Namespace = Namespace;
                o.InvalidationRenewInterval = TimeSpan.FromMilliseconds(250);
            },
            services: services,
            accessKey: accessKey);

    public async Task DisposeAsync()
    {
        foreach (var client in new[] { A, ARotated, B, Operator, NoKey, Unknown })
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }

        await Silo.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TenantAccessCollection : ICollectionFixture<TenantAccessFixture>
{
    public const string Name = "tenant access";
}
