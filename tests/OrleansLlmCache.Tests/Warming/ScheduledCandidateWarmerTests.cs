using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Client.Warming;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Warming;

/// <summary>Scheduled warming of the cluster's candidates from an app server, on a fake clock, against the in-process cluster.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ScheduledCandidateWarmerTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    // Each test has its own tenant: the statistics grain is shared by every test of the cluster.
    private readonly string _tenant = "warm" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task EachRun_WarmsMissedRequests_SkipsCachedOnes_AndCollectsFailuresWithoutStoppingTheSchedule()
    {
        var origin = new TestChatClient();
        var failing = "nothing fails yet";
        origin.OnGetResponse = (messages, options, _) => messages.Last().Text == failing
            ? Task.FromException<ChatResponse>(new HttpRequestException("origin down"))
            : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "answer to " + messages.Last().Text))
            {
                ModelId = "gpt-4",
                FinishReason = ChatFinishReason.Stop,
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 20 },
            });

        // Three requests miss twice each through the chat middleware; "refunds" stays cached afterwards.
        var app = new ChatClientBuilder(origin).UseOrleansLlmCache(o => { o.Tenant = _tenant; o.Namespace = "support"; }, fixture.Cache).Build();
        var (pricing, refunds, outage) = (Key("pricing?"), Key("refunds?"), Key("outage?"));
        foreach (var (question, key) in new[] { ("pricing?", pricing), ("refunds?", refunds), ("outage?", outage) })
        {
            await app.GetResponseAsync([new ChatMessage(ChatRole.User, question)], Options());
            await fixture.Cache.RemoveAsync(key);
            await app.GetResponseAsync([new ChatMessage(ChatRole.User, question)], Options());
            if (key != refunds)
            {
                await fixture.Cache.RemoveAsync(key);
            }
        }

        await fixture.Cluster.Client.ServiceProvider.GetRequiredService<StatisticsReporter>().FlushAsync();
        var candidates = await fixture.Grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key)
            .GetCandidatesAsync(new CandidateQuery(2, Tenant: _tenant, ReplayableOnly: true));
        Assert.Equal(3, candidates.Count);
        Assert.All(candidates, c => Assert.NotNull(c.Request));

        failing = "outage?";
        var callsBefore = origin.Calls;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var warmingOptions = new CandidateWarmingOptions { Interval = Interval, Threshold = 2, MaxPerRun = 10, Concurrency = 2, Tenant = _tenant };
        using var schedule = new ScheduledCandidateWarmer(
            new CandidateWarmer(fixture.Cache, fixture.Grains, origin), Microsoft.Extensions.Options.Options.Create(warmingOptions), clock, NullLogger<ScheduledCandidateWarmer>.Instance);
        var reports = Channel.CreateUnbounded<WarmReport>();
        schedule.RunCompleted += (_, report) => reports.Writer.TryWrite(report);
        await schedule.StartAsync(CancellationToken.None);

        // Nothing runs before the first interval has passed.
        clock.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.False(reports.Reader.TryRead(out _), "no run before the interval");

        clock.Advance(TimeSpan.FromSeconds(1));
        var first = await NextAsync(reports);
        Assert.Equal(3, first.Total);
        Assert.Equal(1, first.Warmed);          // pricing
        Assert.Equal(1, first.AlreadyCached);   // refunds
        var failure = Assert.Single(first.Failures);
        Assert.Contains(outage.ToGrainKey(), failure.Error, StringComparison.Ordinal);
        Assert.Contains("origin down", failure.Error, StringComparison.Ordinal);
        Assert.NotNull(await fixture.Cache.GetAsync(pricing));
        Assert.Null(await fixture.Cache.GetAsync(outage));
        Assert.Equal(callsBefore + 2, origin.Calls); // pricing and the failed outage; refunds cost nothing

        // The failure did not stop the schedule: the next run finds pricing cached and, with the origin back, warms outage.
        failing = "nothing fails any more";
        clock.Advance(Interval);
        var second = await NextAsync(reports);
        Assert.Equal(1, second.Warmed);
        Assert.Equal(2, second.AlreadyCached);
        Assert.Empty(second.Failures);
        Assert.NotNull(await fixture.Cache.GetAsync(outage));
        Assert.Same(second, schedule.LastReport);

        await schedule.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ARun_MakesAtMostMaxPerRunOriginCalls_MostMissedFirst()
    {
        var origin = new TestChatClient();
        var app = new ChatClientBuilder(origin).UseOrleansLlmCache(o => { o.Tenant = _tenant; o.Namespace = "support"; }, fixture.Cache).Build();
        string[] questions = ["a?", "b?", "c?"];
        for (var i = 0; i < questions.Length; i++)
        {
            // "a?" misses 4 times, "b?" 3 times, "c?" twice.
            for (var miss = 0; miss < 4 - i; miss++)
            {
                await app.GetResponseAsync([new ChatMessage(ChatRole.User, questions[i])], Options());
                await fixture.Cache.RemoveAsync(Key(questions[i]));
            }
        }

        await fixture.Cluster.Client.ServiceProvider.GetRequiredService<StatisticsReporter>().FlushAsync();
        var callsBefore = origin.Calls;
        var report = await new CandidateWarmer(fixture.Cache, fixture.Grains, origin)
            .WarmAsync(new CandidateWarmingOptions { Threshold = 2, MaxPerRun = 2, Tenant = _tenant });

        Assert.Equal(2, report.Warmed);
        Assert.Equal(callsBefore + 2, origin.Calls);
        Assert.NotNull(await fixture.Cache.GetAsync(Key("a?")));
        Assert.NotNull(await fixture.Cache.GetAsync(Key("b?")));
        Assert.Null(await fixture.Cache.GetAsync(Key("c?")));
    }

    [Fact]
    public async Task MissesThroughAMiddlewareWithTagsOfItsOwn_AreCountedButNotRecordedForWarming()
    {
        // Warming stores with the namespace's policy only: a replay would lose the tag, and the warmed entry would
        // then survive InvalidateTagAsync("pricing").
        var origin = new TestChatClient();
        origin.OnGetResponse = (messages, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "answer"))
        {
            ModelId = "gpt-4",
            FinishReason = ChatFinishReason.Stop,
        });
        var tagged = new ChatClientBuilder(origin).UseOrleansLlmCache(
            o =>
            {
                o.Tenant = _tenant;
                o.Namespace = "support";
                o.EntryOptions = new OrleansLlmCache.Client.Caching.LlmCacheEntryOptions { Tags = ["pricing"] };
            },
            fixture.Cache).Build();
        var untagged = new ChatClientBuilder(origin).UseOrleansLlmCache(o => { o.Tenant = _tenant; o.Namespace = "support"; }, fixture.Cache).Build();
        foreach (var (client, question) in new[] { (tagged, "tagged?"), (untagged, "untagged?") })
        {
            for (var i = 0; i < 2; i++)
            {
                await client.GetResponseAsync([new ChatMessage(ChatRole.User, question)], Options());
                await fixture.Cache.RemoveAsync(Key(question));
            }
        }

        await fixture.Cluster.Client.ServiceProvider.GetRequiredService<StatisticsReporter>().FlushAsync();
        var candidates = await fixture.Grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key)
            .GetCandidatesAsync(new CandidateQuery(2, Tenant: _tenant));

        Assert.Null(Assert.Single(candidates, c => c.Key == Key("tagged?").ToGrainKey()).Request);
        Assert.NotNull(Assert.Single(candidates, c => c.Key == Key("untagged?").ToGrainKey()).Request);
    }

    [Fact]
    public async Task WarmingsOriginCalls_AreCountedAsWarming_NotAsRequests_AndCostTheNetSavings()
    {
        // A namespace of its own: the statistics grain's rows are per namespace, and every test of the cluster reports.
        var ns = "warmstats" + Guid.NewGuid().ToString("N")[..8];
        var origin = new TestChatClient();
        var app = new ChatClientBuilder(origin).UseOrleansLlmCache(o => { o.Tenant = _tenant; o.Namespace = ns; }, fixture.Cache).Build();
        var key = fixture.Cache.CreateKey(ChatCacheKey.TryCompute([new ChatMessage(ChatRole.User, "a?")], Options(), "test-model", out _)!, _tenant, ns);
        for (var miss = 0; miss < 2; miss++)
        {
            await app.GetResponseAsync([new ChatMessage(ChatRole.User, "a?")], Options());
            await fixture.Cache.RemoveAsync(key);
        }

        var services = fixture.Cluster.Client.ServiceProvider;
        var reporter = services.GetRequiredService<StatisticsReporter>();
        var local = services.GetRequiredService<LlmCacheStatistics>();
        await reporter.FlushAsync();
        var (missesBefore, hitsBefore, warmedBefore) = (local.Misses, local.Hits, local.Warmed);

        var report = await new CandidateWarmer(fixture.Cache, fixture.Grains, origin)
            .WarmAsync(new CandidateWarmingOptions { Threshold = 2, Tenant = _tenant });
        Assert.Equal(1, report.Warmed);

        // After warming, a user asks: a hit, counted as one (the warming mark did not outlive the warming run).
        await app.GetResponseAsync([new ChatMessage(ChatRole.User, "a?")], Options());
        await reporter.FlushAsync();

        Assert.Equal((missesBefore, hitsBefore + 1, warmedBefore + 1), (local.Misses, local.Hits, local.Warmed));
        var statistics = fixture.Grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key);
        var stats = await statistics.GetAsync();
        var rows = stats.Rows.Where(r => r.Namespace == ns).ToList();
        Assert.Equal(2, rows.Where(r => r.Outcome == ClusterStatistics.MissOutcome).Sum(r => r.Count));
        Assert.Equal(1, rows.Where(r => r.Outcome == ClusterStatistics.WarmOutcome).Sum(r => r.Count));
        Assert.Equal(1, rows.Where(r => ClusterStatistics.IsHit(r.Outcome)).Sum(r => r.Count));

        // Warming is paid for (gpt-4 is priced by default), so it counts against the namespace's savings.
        Assert.True(stats.WarmingSpentIn(ns) > 0, "warming's origin call is priced");
        Assert.Equal(stats.GrossSavedIn(ns) - stats.EmbeddingCostIn(ns) - stats.WarmingSpentIn(ns), stats.NetSavedIn(ns));

        // The miss analytics that chose the key saw its two user misses, not the warming call.
        var candidate = Assert.Single(await statistics.GetCandidatesAsync(new CandidateQuery(1, Tenant: _tenant)), c => c.Key == key.ToGrainKey());
        Assert.Equal(2, candidate.Misses);
    }

    private static ChatOptions Options() => new() { ModelId = "gpt-4", Temperature = 0 };

    private CacheKey Key(string question) =>
        fixture.Cache.CreateKey(ChatCacheKey.TryCompute([new ChatMessage(ChatRole.User, question)], Options(), "test-model", out _)!, _tenant, "support");

    private static async Task<WarmReport> NextAsync(Channel<WarmReport> reports)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            return await reports.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException("expected a warming run to complete within 30 s of the interval passing");
        }
    }
}
