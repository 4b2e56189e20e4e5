using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Access;
using OrleansLlmCache.Abstractions.Conversations;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Conversations;
using OrleansLlmCache.Core.Invalidation;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Security;

/// <summary>
/// A silo that enforces tenant access, and clients with and without keys trying every operation on tenant A's data:
/// the wrong key, no key and an unknown key are refused with <see cref="LlmCacheAccessDeniedException"/> naming the
/// tenant and the setting, and leave A's data as it was; A's keys and the operator key work; the silos' own work
/// (broadcasts, membership, expiry, their hosted code) goes on.
/// </summary>
[Collection(TenantAccessCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TenantAccessTests(TenantAccessFixture fixture)
{
    private const string A = TenantAccessFixture.TenantA;
    private const string B = TenantAccessFixture.TenantB;

    [Fact]
    public async Task TenantBsKey_IsRefusedEveryOperationOnTenantA_NamingTheTenant_AndLeavesItsDataAsItWas()
    {
        var before = await SnapshotAsync();

        var refusals = await AttemptAllAsync(fixture.B);

        Assert.All(refusals, r =>
        {
            if (r.Operation.ForTenant)
            {
                Assert.Equal(A, r.Refusal.Tenant);
                Assert.Contains($"Access to tenant '{A}' was refused: the client's access key 'tenant-b-app' reaches only '{B}'", r.Refusal.Message, StringComparison.Ordinal);
                Assert.Contains("LlmCache:Cluster:AccessKey", r.Refusal.Message, StringComparison.Ordinal);
                Assert.Contains("LlmCache:Access:Keys", r.Refusal.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.NotEqual(B, r.Refusal.Tenant);
            }
        });
        Assert.Contains("only the silos call it", refusals.Single(r => r.Operation.Name == "IInvalidationHubGrain.PublishAsync").Refusal.Message, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task ARawClientWithoutAKey_IsRefusedEveryOperation_AndLeavesTenantAsDataAsItWas()
    {
        var before = await SnapshotAsync();

        var refusals = await AttemptAllAsync(fixture.NoKey);

        Assert.All(refusals, r =>
        {
            Assert.Contains("this client sent no access key, and the cluster requires one", r.Refusal.Message, StringComparison.Ordinal);
            Assert.Contains("LlmCache:Cluster:AccessKey", r.Refusal.Message, StringComparison.Ordinal);
        });
        Assert.All(refusals.Where(r => r.Operation.ForTenant), r => Assert.Equal(A, r.Refusal.Tenant));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AKeyTheSilosDoNotKnow_IsRefusedEveryOperation_AndLeavesTenantAsDataAsItWas()
    {
        var before = await SnapshotAsync();

        var refusals = await AttemptAllAsync(fixture.Unknown);

        Assert.All(refusals, r => Assert.Contains("the client's access key is not one the silos know", r.Refusal.Message, StringComparison.Ordinal));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task TenantAsKeys_TheOldAndTheNewOfARotation_ReachTenantA()
    {
        foreach (var client in new[] { fixture.A, fixture.ARotated })
        {
            var cache = client.Cache;
            var key = cache.CreateKey($"works-{Guid.NewGuid():N}", A, "scratch");
            await cache.SetAsync(key, new CachedResponse("stored", "gpt-4"), new LlmCacheEntryOptions { Tags = ["scratch-tag"], Dependencies = ["scratch-dep"] });
            Assert.Equal("stored", (await cache.GetAsync(key))?.Response.Content);
            Assert.Equal(LlmCacheSource.Hit, (await cache.GetOrCreateAsync(key, _ => throw new InvalidOperationException("a hit never calls the origin"))).Source);
            Assert.True(await cache.RemoveAsync(key));
            Assert.Equal(LlmCacheSource.Origin, (await cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(new CachedResponse("again", "gpt-4")))).Source);
            Assert.True((await cache.InvalidateTagAsync("scratch-tag")).IsComplete);
            Assert.True((await cache.InvalidateDependencyAsync("scratch-dep")).IsComplete);
            Assert.True((await cache.InvalidatePatternAsync("scratch")).IsComplete);
            Assert.Null(await cache.GetAsync(key));

            var conversations = client.Services.GetRequiredService<IConversationStateCache>();
            await conversations.CacheStateAsync("conv-works", 2, "summary");
            Assert.Equal("summary", await conversations.GetStateAsync("conv-works", 2));

            var read = await TenantAOperation.Grains(client).GetGrain<IEntryReaderGrain>($"{Guid.NewGuid():N}/0").GetManyAsync([fixture.EntryA.ToGrainKey()]);
            Assert.Equal(TenantAccessFixture.Answer, Assert.Single(read.Entries)?.Response.Content);
        }
    }

    [Fact]
    public async Task SemanticFeedback_ReachesTheKeysOwnTenantsScopes_AndAnotherTenantsIsRefused()
    {
        var hitOfA = SemanticHitId.New(SemanticScope.Create(A, TenantAccessFixture.Namespace, "prompt", "{}")).ToString();

        // Tenant A's key passes the silo's check; the hit is unknown there (never served), which is an answer, not a refusal.
        Assert.False(await fixture.A.Cache.ReportSemanticFeedbackAsync(hitOfA, correct: false));
        var refusal = await Assert.ThrowsAsync<LlmCacheAccessDeniedException>(() => fixture.B.Cache.ReportSemanticFeedbackAsync(hitOfA, correct: false).AsTask());
        Assert.Equal(A, refusal.Tenant);
    }

    [Fact]
    public async Task Statistics_AndWarmingCandidates_AreCutToTheKeysTenants_AndTheOperatorSeesThemAll()
    {
        var statistics = (ClientHost c) => TenantAOperation.Grains(c).GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key);
        var missedB = $"{B}/{TenantAccessFixture.Namespace}/missed-b";
        await statistics(fixture.A).ReportAsync(Report(A, fixture.MissedKeyA, [1, 2, 3]));
        await statistics(fixture.B).ReportAsync(Report(B, missedB, [4, 5, 6]));

        var seenByB = await statistics(fixture.B).GetAsync();
        var seenByA = await statistics(fixture.A).GetAsync();
        var seenByOperator = await statistics(fixture.Operator).GetAsync();

        Assert.NotEmpty(seenByB.Rows);
        Assert.All(seenByB.Rows, r => Assert.Equal(B, r.Tenant));
        Assert.All(seenByA.Rows, r => Assert.Equal(A, r.Tenant));
        Assert.Contains(seenByOperator.Rows, r => r.Tenant == A);
        Assert.Contains(seenByOperator.Rows, r => r.Tenant == B);
        Assert.All(seenByB.HitHistogram, count => Assert.Equal(0, count)); // the cluster's latencies mix every tenant's
        Assert.Empty(seenByB.History);
        Assert.Contains(seenByOperator.HitHistogram, count => count > 0);

        // Every tenant's candidates asked for (Tenant null): the key's tenant only; the operator's: both.
        var candidatesOfB = await statistics(fixture.B).GetCandidatesAsync(new CandidateQuery(1));
        var candidatesOfOperator = await statistics(fixture.Operator).GetCandidatesAsync(new CandidateQuery(1));
        Assert.Equal([missedB], candidatesOfB.Select(c => c.Key));
        Assert.Contains(candidatesOfOperator, c => c.Key == fixture.MissedKeyA && c.Request is not null);
        Assert.Contains(candidatesOfOperator, c => c.Key == missedB);
        Assert.Equal(fixture.MissedKeyA, Assert.Single(await statistics(fixture.A).GetCandidatesAsync(new CandidateQuery(1, 100, A))).Key);
    }

    [Fact]
    public async Task TheOperatorKey_ReachesEveryTenant()
    {
        var cache = fixture.Operator.Cache;
        Assert.Equal(TenantAccessFixture.Answer, (await cache.GetAsync(fixture.EntryA))?.Response.Content);
        foreach (var tenant in new[] { A, B })
        {
            var key = cache.CreateKey($"operator-{Guid.NewGuid():N}", tenant, "scratch");
            await cache.SetAsync(key, new CachedResponse($"for {tenant}", "gpt-4"), new LlmCacheEntryOptions { Tags = ["operator-tag"] });
            Assert.Equal($"for {tenant}", (await cache.GetAsync(key))?.Response.Content);
            Assert.True((await cache.InvalidateTagAsync("operator-tag", tenant)).EntriesReached >= 1);
            Assert.Null(await cache.GetAsync(key));
        }

        // And tenant B's app server, with its own key, sees what the operator wrote for it.
        var forB = fixture.B.Cache.CreateKey($"operator-{Guid.NewGuid():N}");
        await cache.SetAsync(forB, new CachedResponse("from the operator", "gpt-4"));
        Assert.Equal("from the operator", (await fixture.B.Cache.GetAsync(forB))?.Response.Content);
    }

    [Fact]
    public async Task TheSilosOwnWork_GoesOn_WithAccessEnforced()
    {
        // The silo's invalidation subscriber (its own code, through its hosted client) holds a lease on the hub.
        var siloTable = fixture.Silo.Services.GetRequiredService<DependencyVersionTable>();
        await Eventually.WaitUntilAsync(() => siloTable.IsTrusted, TimeSpan.FromSeconds(30), () => "the silo's own invalidation subscription was refused");

        // The silo's own code (its gateway, cache page and health checks call so) reads any tenant without a key.
        var siloGrains = fixture.Silo.Services.GetRequiredService<IGrainFactory>();
        Assert.Equal(TenantAccessFixture.Answer, (await siloGrains.GetGrain<ICacheEntryGrain>(fixture.EntryA.ToGrainKey()).GetAsync())?.Response.Content);

        // A broadcast reaches another app server of the tenant: its L1 copy stops being served as the call returns.
        // The invalidation drains the tag's membership shards (grains calling grains) and removes the entry's row.
        var key = fixture.A.Cache.CreateKey($"broadcast-{Guid.NewGuid():N}", A, "scratch");
        await fixture.A.Cache.SetAsync(key, new CachedResponse("to invalidate", "gpt-4"), new LlmCacheEntryOptions { Tags = ["broadcast-tag"] });
        await WaitUntilTrustedAsync(fixture.ARotated);
        Assert.NotNull(await fixture.ARotated.Cache.GetAsync(key)); // now in its L1
        var result = await fixture.A.Cache.InvalidateTagAsync("broadcast-tag");
        // The silo and the four app servers with a key (the two without one cannot subscribe).
        Assert.True(result.SubscribersNotified >= 5, $"every subscribed app server and the silo acknowledge; {result.SubscribersNotified} did");
        Assert.Equal(1, result.EntriesReached);
        Assert.Null(await fixture.ARotated.Cache.GetAsync(key));
        await Eventually.WaitUntilAsync(
            async () => await TenantAOperation.Grains(fixture.Operator).GetGrain<ICacheEntryGrain>(key.ToGrainKey()).GetAsync() is null,
            TimeSpan.FromSeconds(10),
            () => "the invalidated entry's removal did not run");

        // Expiry is the entry grain's own.
        var expiring = fixture.A.Cache.CreateKey($"expiring-{Guid.NewGuid():N}", A, "scratch");
        await fixture.A.Cache.SetAsync(expiring, new CachedResponse("short-lived", "gpt-4"), LlmCacheEntryOptions.Expiring(TimeSpan.FromSeconds(1)));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Null(await fixture.A.Cache.GetAsync(expiring));
    }

    [Fact]
    public async Task AnotherTenantsAppServer_GetsNeitherTheKeyNorTenantAsChanges_InTheBroadcasts()
    {
        var recorder = new RequestContextRecorder();
        await using var listener = await fixture.ConnectAsync(B, TestAccessKeys.KeyB, s => s.AddSingleton<IIncomingGrainCallFilter>(recorder));
        await WaitUntilTrustedAsync(listener);

        // Tenant A's app server overwrites a live entry: the silo broadcasts the eviction to every app server.
        var key = fixture.A.Cache.CreateKey($"evicted-{Guid.NewGuid():N}", A, "scratch");
        await fixture.A.Cache.SetAsync(key, new CachedResponse("first", "gpt-4"));
        await fixture.A.Cache.SetAsync(key, new CachedResponse("second", "gpt-4"));
        await fixture.A.Cache.InvalidateTagAsync("any-tag");

        // And tenant B's own change reaches it.
        var own = listener.Cache.CreateKey($"evicted-{Guid.NewGuid():N}");
        await listener.Cache.SetAsync(own, new CachedResponse("first", "gpt-4"));
        await listener.Cache.SetAsync(own, new CachedResponse("second", "gpt-4"));

        await Eventually.WaitUntilAsync(() => recorder.Calls.Any(c => c.Keys.Contains(own.ToGrainKey())), TimeSpan.FromSeconds(10), () => "tenant B's own eviction did not reach its app server");
        Assert.Contains(recorder.Calls, c => c.Method == nameof(IInvalidationObserver.OnInvalidatedAsync));
        Assert.All(recorder.Calls, c => Assert.False(c.CarriedKey, $"{c.Method} reached tenant B's app server with an access key in its RequestContext"));
        Assert.All(recorder.Calls, c => Assert.All(c.Keys, k => Assert.StartsWith($"{B}/", k, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TheKey_RidesOnTheCallAlone_NotInTheCallersRequestContext()
    {
        // The client sets it where the runtime calls its filters; the app's own flow (and its calls to other Orleans
        // clusters) never carries it.
        var entry = await TenantAOperation.Grains(fixture.A).GetGrain<ICacheEntryGrain>(fixture.EntryA.ToGrainKey()).GetAsync();

        Assert.Equal(TenantAccessFixture.Answer, entry?.Response.Content);
        Assert.Null(RequestContext.Get(LlmCacheAccessKey.RequestContextKey));
    }

    private async Task<List<(TenantAOperation Operation, LlmCacheAccessDeniedException Refusal)>> AttemptAllAsync(ClientHost client)
    {
        var originCalls = Volatile.Read(ref TenantAOperation.OriginCalls);
        var refusals = new List<(TenantAOperation, LlmCacheAccessDeniedException)>();
        var notRefused = new List<string>();
        foreach (var operation in TenantAOperation.All(fixture))
        {
            try
            {
                await operation.Run(client);
                notRefused.Add($"{operation.Name} succeeded");
            }
            catch (LlmCacheAccessDeniedException refusal)
            {
                refusals.Add((operation, refusal));
            }
            catch (Exception ex)
            {
                notRefused.Add($"{operation.Name} failed with {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(notRefused.Count == 0, "not refused with LlmCacheAccessDeniedException: " + string.Join("; ", notRefused));
        Assert.Equal(originCalls, Volatile.Read(ref TenantAOperation.OriginCalls));
        return refusals;
    }

    /// <summary>Tenant A's data, read with the operator key: the entry, its versions, the conversation, the statistics.</summary>
    private async Task<string> SnapshotAsync()
    {
        var grains = TenantAOperation.Grains(fixture.Operator);
        var entry = await grains.GetGrain<ICacheEntryGrain>(fixture.EntryA.ToGrainKey()).GetAsync();
        var versions = new List<long>();
        foreach (var key in new[] { DependencyKey.Tag(A, TenantAccessFixture.Tag), DependencyKey.Dependency(A, TenantAccessFixture.Dependency), DependencyKey.Namespace(A, TenantAccessFixture.Namespace) })
        {
            versions.Add(await grains.GetGrain<IDependencyGrain>(key).GetVersionAsync());
        }

        var conversation = await grains.GetGrain<IConversationGrain>($"{A}/{TenantAccessFixture.ConversationId}").GetStateAsync(4);
        var namespaces = await grains.GetGrain<INamespaceRegistryGrain>(A).ListAsync();
        var statistics = await grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).GetAsync();
        var candidates = await grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).GetCandidatesAsync(new CandidateQuery(1, 10_000, A));

        Assert.Equal(TenantAccessFixture.Answer, entry?.Response.Content);
        Assert.Equal(TenantAccessFixture.ConversationState, conversation);
        Assert.DoesNotContain(statistics.Rows, r => r.Model == "injected-model");
        Assert.DoesNotContain(candidates, c => c.Key.EndsWith("/injected", StringComparison.Ordinal));
        Assert.DoesNotContain("injected", namespaces);
        return $"{entry!.Response.Content} {entry.CreatedAt:O} versions {string.Join(",", versions)} conversation {conversation}";
    }

    private static StatisticsReport Report(string tenant, string missedKey, long[] histogram) => new(
        [new StatisticsRow(TenantAccessFixture.Namespace, "gpt-4", "l1", 10, 1, 100, 100, 0.5m, tenant)],
        histogram,
        histogram,
        new Dictionary<string, long> { [missedKey] = 5 },
        new Dictionary<string, string> { [missedKey] = "{\"messages\":[]}" });

    private static Task WaitUntilTrustedAsync(ClientHost client)
    {
        var table = client.Services.GetRequiredService<DependencyVersionTable>();
        return Eventually.WaitUntilAsync(() => table.IsTrusted, TimeSpan.FromSeconds(30), () => "the app server's invalidation subscription was refused");
    }

    /// <summary>Calls the silos make to an app server (broadcasts to its invalidation observer): whether each carried a key, and the keys it names.</summary>
    private sealed class RequestContextRecorder : IIncomingGrainCallFilter
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Method, bool CarriedKey, IReadOnlyList<string> Keys)> Calls { get; } = new();

        public Task Invoke(IIncomingGrainCallContext context)
        {
            IReadOnlyList<string> keys = context.Request.GetArgumentCount() > 0 && context.Request.GetArgument(0) is InvalidationMessage message
                ? [.. message.Versions.Keys, .. message.EvictedEntries]
                : [];
            Calls.Enqueue((context.InterfaceMethod.Name, RequestContext.Get(LlmCacheAccessKey.RequestContextKey) is not null, keys));
            return context.Invoke();
        }
    }
}
