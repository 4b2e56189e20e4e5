using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Testing;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Tracing;

/// <summary>
/// The spans of a miss, an exact hit (L1 and cluster) and a semantic hit, as an OpenTelemetry exporter would receive
/// them: collected in memory from a real silo on loopback TCP and two app servers, so that the trace context crosses the
/// wire as it does in production.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TracingTests : IAsyncLifetime
{
    private const string SemanticNamespace = "traced-semantic";
    private static readonly ActivitySource App = new("OrleansLlmCache.Tests.App");

    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;
    private TcpSilo _silo = null!;
    private ClientHost _first = null!;
    private ClientHost _second = null!;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is LlmCacheTelemetry.ActivitySourceName or "Microsoft.Orleans.Runtime" or "OrleansLlmCache.Tests.App" or "OrleansLlmCache.Tests.GenAI",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task InitializeAsync()
    {
        _silo = await TcpSilo.StartAsync("traced-" + Guid.NewGuid().ToString("N")[..8]);
        _first = await ClientHost.ConnectToGatewayAsync(_silo.GatewayPort, _silo.ClusterId, configure: o => o.Semantic.Namespaces = [SemanticNamespace]);
        _second = await ClientHost.ConnectToGatewayAsync(_silo.GatewayPort, _silo.ClusterId, configure: o => o.Semantic.Namespaces = [SemanticNamespace]);
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task AMiss_IsASpanWithTheGrainCallsAndTheOriginCallAsItsChildren()
    {
        var key = _first.Cache.CreateKey(new PromptRequest($"What is tracing? {Guid.NewGuid():N}", "gpt-4", 0, 100));

        var trace = await TraceAsync(() => _first.Cache.GetOrCreateAsync(key, Origin("a traced answer")).AsTask());

        var operation = Single(trace, "llmcache.get_or_create");
        Assert.Equal("origin", operation.GetTagItem("llmcache.source"));
        Assert.Equal(key.Id, operation.GetTagItem("llmcache.key.id"));
        Assert.Equal(key.Namespace, operation.GetTagItem("llmcache.namespace"));
        Assert.Equal("gpt-4", operation.GetTagItem("gen_ai.response.model"));
        Assert.Equal(operation.SpanId, Single(trace, "origin").ParentSpanId);

        // The lease was asked of the key's entry grain, on the silo, inside the operation's span.
        var server = trace.Where(s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.Orleans.Runtime").ToList();
        Assert.Contains(server, s => (s.GetTagItem("rpc.method") as string ?? "").Contains("ICacheEntryGrain", StringComparison.Ordinal));
        Assert.All(server, s => Assert.True(IsDescendant(trace, s, operation), $"{s.DisplayName} is not inside the cache operation's span"));
        Assert.DoesNotContain(trace, s => s.TagObjects.Any(t => t.Value is string text && text.Contains("What is tracing?", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AnExactHit_SaysWhichLayerAnswered_L1WithoutAGrainCall_TheSiloWithOne()
    {
        var key = _first.Cache.CreateKey(new PromptRequest($"What is a span? {Guid.NewGuid():N}", "gpt-4", 0, 100));
        await _first.Cache.GetOrCreateAsync(key, Origin("an answer"));

        var l1 = await TraceAsync(() => _first.Cache.GetOrCreateAsync(key, Origin("not asked")).AsTask());
        var cluster = await TraceAsync(() => _second.Cache.GetOrCreateAsync(key, Origin("not asked")).AsTask());

        var l1Span = Single(l1, "llmcache.get_or_create");
        Assert.Equal("hit", l1Span.GetTagItem("llmcache.source"));
        Assert.Equal("l1", l1Span.GetTagItem("llmcache.layer"));
        Assert.DoesNotContain(l1, s => s.Source.Name == "Microsoft.Orleans.Runtime");

        var clusterSpan = Single(cluster, "llmcache.get_or_create");
        Assert.Equal("hit", clusterSpan.GetTagItem("llmcache.source"));
        Assert.Equal("silo", clusterSpan.GetTagItem("llmcache.layer"));
        Assert.Contains(cluster, s => s.Kind == ActivityKind.Server && IsDescendant(cluster, s, clusterSpan));
        Assert.DoesNotContain(cluster, s => s.DisplayName == "origin");
    }

    [Fact]
    public async Task ASemanticHit_CarriesItsScore_AndTheLookupAndEmbeddingAreItsChildren()
    {
        var stored = SemanticPrompt.For(new PromptRequest("How do I reset my router password?", "gpt-4", 0, 100), "default", SemanticNamespace);
        await _first.Cache.GetOrCreateAsync(stored, Origin("hold the reset button"));
        var similar = SemanticPrompt.For(new PromptRequest("How can I reset the password of my router?", "gpt-4", 0, 100), "default", SemanticNamespace);

        LlmCacheResult? result = null;
        var trace = await TraceAsync(async () => result = await _second.Cache.GetOrCreateAsync(similar, Origin("not asked")));

        Assert.Equal(LlmCacheSource.SemanticHit, result!.Source);

        var operation = trace.Last(s => s.DisplayName == "llmcache.get_or_create");
        Assert.Equal("semantic_hit", operation.GetTagItem("llmcache.source"));
        Assert.Equal("semantic", operation.GetTagItem("llmcache.layer"));
        Assert.InRange(Assert.IsType<float>(operation.GetTagItem("llmcache.semantic.score")), 0.5f, 1f);
        var lookup = trace.Last(s => s.DisplayName == "llmcache.semantic_lookup");
        Assert.Equal(operation.SpanId, lookup.ParentSpanId);
        var embed = trace.Last(s => s.DisplayName == "llmcache.embed");
        Assert.True(IsDescendant(trace, embed, lookup), "the embedding on the silo is not inside the semantic lookup's span");

        // Feedback on the hit is a span of its own, with the feedback grain's call inside it and never the hit id.
        var hitId = result.Semantic!.HitId!;
        var feedback = await TraceAsync(() => _second.Cache.ReportSemanticFeedbackAsync(hitId, correct: false).AsTask());
        var report = Single(feedback, "llmcache.semantic_feedback");
        Assert.Equal(false, report.GetTagItem("llmcache.semantic.correct"));
        Assert.Equal(true, report.GetTagItem("llmcache.semantic.hit_known"));
        Assert.Contains(feedback, s => s.Kind == ActivityKind.Server && (s.GetTagItem("rpc.method") as string ?? "").Contains("ISemanticFeedbackGrain", StringComparison.Ordinal) && IsDescendant(feedback, s, report));
        Assert.DoesNotContain(feedback, s => s.TagObjects.Any(t => t.Value is string text && text.Contains(hitId, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TheChatMiddleware_TagsTheCallersSpan_SoAGenAiSpanShowsTheCacheAnswered()
    {
        var origin = new TestChatClient();
        using var chat = new ChatClientBuilder(origin)
            .UseOpenTelemetry(sourceName: "OrleansLlmCache.Tests.GenAI")
            .UseOrleansLlmCache(o => o.Namespace = "traced-chat", _first.Cache)
            .Build();
        var question = $"Which layer answered? {Guid.NewGuid():N}";

        var miss = await TraceAsync(() => chat.GetResponseAsync(question));
        var hit = await TraceAsync(() => chat.GetResponseAsync(question));

        Assert.Equal("origin", GenAiSpan(miss).GetTagItem("llmcache.source"));
        Assert.Equal("hit", GenAiSpan(hit).GetTagItem("llmcache.source"));
        Assert.Equal(1, origin.Calls);
    }

    private static Activity GenAiSpan(IReadOnlyList<Activity> trace) => Assert.Single(trace, s => s.Source.Name == "OrleansLlmCache.Tests.GenAI");

    private static Func<CancellationToken, ValueTask<CachedResponse>> Origin(string answer) => _ =>
    {
        using var span = App.StartActivity("origin");
        return ValueTask.FromResult(new CachedResponse(answer, "gpt-4", 10, 20));
    };

    // Runs the call inside a request span of its own and returns the spans of that trace once they have all ended.
    private async Task<IReadOnlyList<Activity>> TraceAsync<T>(Func<Task<T>> call)
    {
        ActivityTraceId traceId;
        using (var request = App.StartActivity("request"))
        {
            Assert.NotNull(request);
            traceId = request.TraceId;
            await call();
        }

        // Server spans end when the grain call returns its answer, a moment after the client has it.
        await Task.Delay(200);
        return _spans.Where(s => s.TraceId == traceId).OrderBy(s => s.StartTimeUtc).ToList();
    }

    private static Activity Single(IReadOnlyList<Activity> trace, string name) => Assert.Single(trace, s => s.DisplayName == name);

    private static bool IsDescendant(IReadOnlyList<Activity> trace, Activity span, Activity ancestor)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        for (var parent = span.ParentSpanId; byId.TryGetValue(parent, out var next); parent = next.ParentSpanId)
        {
            if (next.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }
}
