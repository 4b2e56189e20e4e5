using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Conversations;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Conversations;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Security;

/// <summary>
/// Every operation a client can attempt on tenant A's data: through <see cref="ILlmCache"/> and the conversation cache,
/// and as a hand-written Orleans client would, calling each grain directly.
/// </summary>
/// <param name="Name">What is attempted.</param>
/// <param name="Run">The attempt, through the given client.</param>
/// <param name="ForTenant">
/// Whether the call is for tenant A by its grain key or arguments (so a key of another tenant is refused naming tenant
/// A); the others are the silos' own calls, refused to any key but the operator's.
/// </param>
internal sealed record TenantAOperation(string Name, Func<ClientHost, Task> Run, bool ForTenant)
{
    private const string A = TenantAccessFixture.TenantA;

    /// <summary>Origin calls made by the get-or-create attempts: a refused call must never reach the origin.</summary>
    public static int OriginCalls;

    public static IReadOnlyList<TenantAOperation> All(TenantAccessFixture fixture)
    {
        var entry = fixture.EntryA;
        var scope = SemanticScope.Create(A, TenantAccessFixture.Namespace, "prompt", "{}");
        var prompt = SemanticPrompt.For(new PromptRequest("How do I reset my password?", "gpt-4", 0, 100, null), A, TenantAccessFixture.Namespace);
        var hit = SemanticHitId.New(scope);
        return
        [
            // What an app server does, through the library, naming tenant A.
            new("ILlmCache.GetAsync", c => c.Cache.GetAsync(entry).AsTask(), true),
            new("ILlmCache.SetAsync", c => c.Cache.SetAsync(entry, new CachedResponse("overwritten", "gpt-4")).AsTask(), true),
            new("ILlmCache.RemoveAsync", c => c.Cache.RemoveAsync(entry).AsTask(), true),
            new("ILlmCache.GetOrCreateAsync", c => c.Cache.GetOrCreateAsync(entry, Origin).AsTask(), true),
            new("ILlmCache.GetOrCreateAsync (semantic)", c => c.Cache.GetOrCreateAsync(prompt, Origin, new LlmCacheEntryOptions { Semantic = true }).AsTask(), true),
            new("ILlmCache.InvalidateTagAsync", c => c.Cache.InvalidateTagAsync(TenantAccessFixture.Tag, A).AsTask(), true),
            new("ILlmCache.InvalidateDependencyAsync", c => c.Cache.InvalidateDependencyAsync(TenantAccessFixture.Dependency, A).AsTask(), true),
            new("ILlmCache.InvalidatePatternAsync", c => c.Cache.InvalidatePatternAsync("*", A).AsTask(), true),
            new("ILlmCache.ReportSemanticFeedbackAsync", c => c.Cache.ReportSemanticFeedbackAsync(hit.ToString(), correct: false).AsTask(), true),
            new("IConversationStateCache.GetStateAsync", c => Conversations(c).GetStateAsync(TenantAccessFixture.ConversationId, 4, A).AsTask(), true),
            new("IConversationStateCache.CacheStateAsync", c => Conversations(c).CacheStateAsync(TenantAccessFixture.ConversationId, 4, "overwritten", tenant: A).AsTask(), true),

            // What a hand-written client could call directly.
            new("ICacheEntryGrain.GetAsync", c => Entry(c, entry).GetAsync().AsTask(), true),
            new("ICacheEntryGrain.ReadAsync", c => Entry(c, entry).ReadAsync().AsTask(), true),
            new("ICacheEntryGrain.SetAsync", c => Entry(c, entry).SetAsync(new CachedResponse("overwritten", "gpt-4"), new EntryWriteOptions(null)).AsTask(), true),
            new("ICacheEntryGrain.RemoveAsync", c => Entry(c, entry).RemoveAsync().AsTask(), true),
            new("ICacheEntryGrain.GetOrLeaseAsync", c => Entry(c, entry).GetOrLeaseAsync(TimeSpan.FromSeconds(1)).AsTask(), true),
            new("ICacheEntryGrain.CompleteLeaseAsync", c => Entry(c, entry).CompleteLeaseAsync(Guid.NewGuid(), new CachedResponse("overwritten", "gpt-4"), new EntryWriteOptions(null)).AsTask(), true),
            new("ICacheEntryGrain.ReleaseLeaseAsync", c => Entry(c, entry).ReleaseLeaseAsync(Guid.NewGuid()).AsTask(), true),
            new("ICacheEntryGrain.FailSafeAsync", c => Entry(c, entry).FailSafeAsync(Guid.NewGuid(), TimeSpan.FromHours(1), TimeSpan.FromSeconds(30)).AsTask(), true),
            new("ICacheEntryGrain.RemoveIfStaleAsync", c => Entry(c, entry).RemoveIfStaleAsync(DependencyKey.Tag(A, TenantAccessFixture.Tag), long.MaxValue).AsTask(), true),
            new("IEntryReaderGrain.GetManyAsync", c => Grains(c).GetGrain<IEntryReaderGrain>($"{Guid.NewGuid():N}/0").GetManyAsync([entry.ToGrainKey()]).AsTask(), true),
            new("IDependencyGrain.InvalidateAsync (tag)", c => Grains(c).GetGrain<IDependencyGrain>(DependencyKey.Tag(A, TenantAccessFixture.Tag)).InvalidateAsync(), true),
            new("IDependencyGrain.InvalidateAsync (dependency)", c => Grains(c).GetGrain<IDependencyGrain>(DependencyKey.Dependency(A, TenantAccessFixture.Dependency)).InvalidateAsync(), true),
            new("IDependencyGrain.InvalidateAsync (namespace)", c => Grains(c).GetGrain<IDependencyGrain>(DependencyKey.Namespace(A, TenantAccessFixture.Namespace)).InvalidateAsync(), true),
            new("IDependencyGrain.GetVersionAsync", c => Grains(c).GetGrain<IDependencyGrain>(DependencyKey.Tag(A, TenantAccessFixture.Tag)).GetVersionAsync(), true),
            new("INamespaceRegistryGrain.ListAsync", c => Grains(c).GetGrain<INamespaceRegistryGrain>(A).ListAsync(), true),
            new("INamespaceRegistryGrain.RegisterAsync", c => Grains(c).GetGrain<INamespaceRegistryGrain>(A).RegisterAsync("injected"), true),
            new("IConversationGrain.GetStateAsync", c => Conversation(c).GetStateAsync(4), true),
            new("IConversationGrain.SetStateAsync", c => Conversation(c).SetStateAsync(4, "overwritten", TimeSpan.FromHours(1)), true),
            new("IConversationGrain.ClearAsync", c => Conversation(c).ClearAsync(), true),
            new("ISemanticLookupGrain.FindAsync", c => Grains(c).GetGrain<ISemanticLookupGrain>(0).FindAsync(new SemanticQuery(prompt, 0.85f, true, 5)), true),
            new("ISemanticLookupGrain.RegisterAsync", c => Grains(c).GetGrain<ISemanticLookupGrain>(0).RegisterAsync(new SemanticRegistration(prompt, new float[384], null)), true),
            new("ISemanticFeedbackGrain.ReportAsync", c => Feedback(c, scope).ReportAsync(hit.Nonce, SemanticVerdict.Wrong), true),
            new("ICacheStatisticsGrain.GetCandidatesAsync", c => Statistics(c).GetCandidatesAsync(new CandidateQuery(1, 100, A)), true),
            new("ICacheStatisticsGrain.ReportAsync", c => Statistics(c).ReportAsync(InjectedReport()), false),

            // The silos' own calls, which no client may make.
            new("ICacheStatisticsGrain.ReportEmbeddingAsync", c => Statistics(c).ReportEmbeddingAsync([new EmbeddingUsageRow(TenantAccessFixture.Namespace, 1, 1, 1m)]), false),
            new("ICacheStatisticsGrain.ReportSemanticFeedbackAsync", c => Statistics(c).ReportSemanticFeedbackAsync(new SemanticFeedbackRow(A, TenantAccessFixture.Namespace, 0, 1_000, 0)), false),
            new("ISemanticFeedbackGrain.RecordHitAsync", c => Feedback(c, scope).RecordHitAsync(new SemanticHitRecord(hit.Nonce, TenantAccessFixture.Namespace, 0.9, 0.9f)), false),
            new("ISemanticFeedbackGrain.GetMinimumProbabilityAsync", c => Feedback(c, scope).GetMinimumProbabilityAsync(0.4, 0.05), false),
            new("IMembershipShardGrain.DrainAsync", c => Grains(c).GetGrain<IMembershipShardGrain>($"{DependencyKey.Tag(A, TenantAccessFixture.Tag)}#0").DrainAsync(), false),
            new("ISemanticScopeGrain.SearchAsync", c => Grains(c).GetGrain<ISemanticScopeGrain>(scope.ToGrainKey()).SearchAsync(new float[384], 5, 0.5f), false),
            new("ISemanticIndexShardGrain.CountAsync", c => Grains(c).GetGrain<ISemanticIndexShardGrain>(scope.ShardKey(0)).CountAsync(), false),
            new("IInvalidationHubGrain.PublishAsync", c => Grains(c).GetGrain<IInvalidationHubGrain>(IInvalidationHubGrain.Key).PublishAsync(new Dictionary<string, long> { [DependencyKey.Tag(A, TenantAccessFixture.Tag)] = long.MaxValue }, [entry.ToGrainKey()]), false),
        ];
    }

    /// <summary>A report of another client's making: a row and a missed request for tenant A, from a model no one uses.</summary>
    public static StatisticsReport InjectedReport() => new(
        [new StatisticsRow(TenantAccessFixture.Namespace, "injected-model", ClusterStatistics.MissOutcome, 1_000, 1, 1, 1, 1m, A)],
        [],
        [],
        new Dictionary<string, long> { [$"{A}/{TenantAccessFixture.Namespace}/injected"] = 1_000 },
        new Dictionary<string, string> { [$"{A}/{TenantAccessFixture.Namespace}/injected"] = "{\"messages\":[]}" });

    public static IGrainFactory Grains(ClientHost client) => client.Services.GetRequiredService<IGrainFactory>();

    private static ValueTask<CachedResponse> Origin(CancellationToken _)
    {
        Interlocked.Increment(ref OriginCalls);
        return ValueTask.FromResult(new CachedResponse("from the origin", "gpt-4"));
    }

    private static ICacheEntryGrain Entry(ClientHost client, CacheKey key) => Grains(client).GetGrain<ICacheEntryGrain>(key.ToGrainKey());

    private static IConversationGrain Conversation(ClientHost client) => Grains(client).GetGrain<IConversationGrain>($"{A}/{TenantAccessFixture.ConversationId}");

    private static ICacheStatisticsGrain Statistics(ClientHost client) => Grains(client).GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key);

    private static ISemanticFeedbackGrain Feedback(ClientHost client, SemanticScope scope) => Grains(client).GetGrain<ISemanticFeedbackGrain>(scope.ToGrainKey());

    private static IConversationStateCache Conversations(ClientHost client) => client.Services.GetRequiredService<IConversationStateCache>();

    public override string ToString() => Name;
}
