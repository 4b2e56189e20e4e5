using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Grains.Hosting;

namespace OrleansLlmCache.Tests.Semantic;

/// <summary>
/// One in-process silo with the semantic index (tiny shards, so that scopes grow shards in tests) and the real
/// all-MiniLM-L6-v2 embedder, plus a client where semantic matching is on for namespaces <c>semantic:*</c> only.
/// </summary>
public sealed class SemanticClusterFixture : IAsyncLifetime
{
    /// <summary>Shards hold this many prompts at most here (20,000 by default): a few dozen prompts make several shards.</summary>
    public const int ShardSize = 8;

    /// <summary>Namespaces matching this have semantic matching on.</summary>
    public const string EnabledPattern = "semantic:*";

    /// <summary>A namespace prefix outside <see cref="EnabledPattern"/> whose policy turns semantic matching on.</summary>
    public const string PolicyOn = "policy-semantic";

    /// <summary>A namespace prefix inside <see cref="EnabledPattern"/> whose policy turns semantic matching off.</summary>
    public const string PolicyOff = "semantic:policy-off";

    /// <summary>A namespace prefix inside <see cref="EnabledPattern"/> whose policy asks for a near-exact match (0.995).</summary>
    public const string PolicyStrict = "semantic:policy-strict";

    /// <summary>A namespace prefix inside <see cref="EnabledPattern"/> whose policy holds semantic hits to a 50 % reported error rate.</summary>
    public const string PolicyAdaptive = "semantic:adaptive";

    /// <summary>Reports a scope needs here before they can raise its bar (20 by default).</summary>
    public const int FeedbackMinimumReports = 5;

    /// <summary>New prompts (by namespace) the fixture's semantic verifier refuses; it accepts every other.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<(string Namespace, string Prompt), bool> VerifierRefuses { get; } = new();

    /// <summary>What the verifier was asked, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<OrleansLlmCache.Client.Semantic.SemanticVerification> VerifierAsked { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public ILlmCache Cache => Cluster.Client.ServiceProvider.GetRequiredService<ILlmCache>();

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrleansLlmCacheGrains();
            silo.AddOrleansLlmCacheSemantic(o =>
            {
                o.MaxVectorsPerShard = ShardSize;
                o.FlushInterval = TimeSpan.FromMilliseconds(100);
                o.FeedbackMinimumReports = FeedbackMinimumReports;
            });
            silo.UseInMemoryLlmCacheStorage();
            silo.Services.AddKeyedSingleton<TimeProvider>(LlmCacheTime.ServiceKey, Time);
        });
        builder.ConfigureClientHost(host => host.Services.AddOrleansLlmCache(o =>
        {
            o.OperationTimeout = TimeSpan.FromSeconds(20);
            o.Semantic.Namespaces = [EnabledPattern];

            // Namespace policies that say otherwise than the patterns (SemanticPolicyTests).
            o.Policies[PolicyOn] = new() { Semantic = true };
            o.Policies[PolicyOff] = new() { Semantic = false };
            o.Policies[PolicyStrict] = new() { SemanticThreshold = 0.995f };
            o.Policies[PolicyAdaptive] = new() { SemanticMaxErrorRate = 0.5 };
            o.Semantic.Verifier = (verification, _) =>
            {
                VerifierAsked.Enqueue(verification);
                return ValueTask.FromResult(!VerifierRefuses.ContainsKey((verification.Namespace, verification.Prompt)));
            };
        }));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SemanticClusterCollection : ICollectionFixture<SemanticClusterFixture>
{
    public const string Name = "semantic-cluster";
}
