using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansLlmCache.Tests.Silo;

/// <summary>The cache page and the dashboard as an operator sees them: in headless Chromium, against a real silo with traffic.</summary>
[Trait("Category", "Integration")]
public sealed class CachePageBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CachePage_ShowsHitRateNetSavingsHistoryNamespacesAndCandidates_InABrowser()
    {
        var clusterId = "page-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string>
        {
            ["LlmCache__Silo__ClusterId"] = clusterId,
            ["LlmCache__Statistics__HistoryInterval"] = "00:00:01", // chart points a second apart instead of 30 s
            ["LlmCache__Statistics__ReportInterval"] = "00:00:00.200",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };
        await using (var app = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, clusterId, configure: o =>
        {
            o.L1Enabled = false;
            o.Semantic.Namespaces = ["faq"];
        }))
        {
            var reporter = app.Services.GetServices<IHostedService>().OfType<OrleansLlmCache.Client.Diagnostics.StatisticsReporter>().Single();
            var answer = new CachedResponse("Reset it under Settings > Security.", "gpt-4", 1200, 800);
            var reset = app.Cache.CreateKey("reset-password", @namespace: "support");
            var question = app.Cache.CreateSemanticPrompt(new PromptRequest("How do I reset my password?", "gpt-4", 0, 500), @namespace: "faq");
            var paraphrase = app.Cache.CreateSemanticPrompt(new PromptRequest("How can I reset my password?", "gpt-4", 0, 500), @namespace: "faq");

            // First interval: 3 misses (two support keys, the faq question) and 3 hits (support twice, the paraphrase).
            for (var i = 0; i < 3; i++)
            {
                await app.Cache.GetOrCreateAsync(reset, _ => ValueTask.FromResult(answer));
            }

            await app.Cache.GetOrCreateAsync(app.Cache.CreateKey("export-data", @namespace: "support"), _ => ValueTask.FromResult(answer));
            await app.Cache.GetOrCreateAsync(question, _ => ValueTask.FromResult(answer));
            var semanticHit = await app.Cache.GetOrCreateAsync(paraphrase, _ => ValueTask.FromResult(answer));
            Assert.Equal(LlmCacheSource.SemanticHit, semanticHit.Source);
            Assert.True(await app.Cache.ReportSemanticFeedbackAsync(semanticHit.Semantic!.HitId!, correct: false));
            await reporter.FlushAsync();
            await WaitForStatsAsync(http, s => s.GetProperty("history").GetArrayLength() >= 1 && s.GetProperty("embeddingCost").GetDecimal() > 0, "a first chart point and the embedding cost");

            // A later interval: 2 more hits, so the server-side history has a second point.
            await Task.Delay(TimeSpan.FromSeconds(1.1)); // the history interval is wall-clock time on the silo
            await app.Cache.GetOrCreateAsync(reset, _ => ValueTask.FromResult(answer));
            await app.Cache.GetOrCreateAsync(paraphrase, _ => ValueTask.FromResult(answer));
            await reporter.FlushAsync();
            await WaitForStatsAsync(http, s => s.GetProperty("history").GetArrayLength() >= 2, "a second chart point");
        }

        var screenshot = Path.Combine(Path.GetTempPath(), $"llmcache-cache-page-{clusterId}.png");
        var dom = await Chromium.RenderAsync($"http://127.0.0.1:{silo.HttpPort}/cache/", screenshot);
        output.WriteLine($"screenshot: {screenshot}");

        Assert.Contains("data-loaded=\"true\"", dom, StringComparison.Ordinal);
        Assert.Contains("Hit rate", dom, StringComparison.Ordinal);
        Assert.Contains("62.5 %", dom, StringComparison.Ordinal); // 5 hits, 3 misses
        Assert.Contains("support", dom, StringComparison.Ordinal);
        Assert.Contains("faq", dom, StringComparison.Ordinal);

        // Drawn from the server's history as soon as the page loads: two points kept by the grain, plus the present.
        var historyPoints = int.Parse(System.Text.RegularExpressions.Regex.Match(dom, "data-history-points=\"(\\d+)\"").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(historyPoints >= 2, $"the hit-rate chart should start with the server's history; it had {historyPoints} points");
        Assert.Matches("id=\"hitChart\"[^>]*data-points=\"[3-9]|data-points=\"[3-9][^>]*id=\"hitChart\"", dom);

        // Each chart says what it spans and what its top stands for.
        Assert.Matches(@"id=""hitAxis"">\d\d:\d\d to \d\d:\d\d UTC, bottom 0 %, top 100 %<", dom);
        Assert.Matches(@"id=""savedAxis"">\d\d:\d\d to \d\d:\d\d UTC, bottom \$0, top \$0\.[0-9]+<", dom);

        // The semantic hits and the feedback on them: 2 semantic hits in faq, the first reported wrong.
        Assert.Contains("""<td class="">faq</td><td class="n">2</td><td class="n">0</td><td class="n">1</td><td class="n">100.0 % (≤ 100.0 %)</td>""", dom, StringComparison.Ordinal);

        // Savings net of the embedding work: the gross / embedding tile shows a non-zero embedding cost below a cent.
        Assert.Matches(@"id=""gross"">\$[0-9.,]+ / \$0\.0+[1-9]", dom);
        Assert.True(new FileInfo(screenshot).Length > 10_000, "a screenshot with content");
    }

    // The traffic runs before anyone opens the dashboard: upstream counts grain calls only while the dashboard is queried,
    // so this would read 0 calls for CacheEntryGrain without LlmCache:Dashboard:ProfileGrainCallsAlways.
    [Fact]
    public async Task Dashboard_ShowsRealCountersAndCacheEntryCalls_ForTrafficBeforeItWasOpened()
    {
        var clusterId = "dash-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { ["LlmCache__Silo__ClusterId"] = clusterId });
        await GenerateTrafficAsync(silo, clusterId);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };

        // The dashboard samples its counters periodically: wait for a sample taken after the traffic.
        System.Text.Json.JsonElement root = default;
        await Eventually.WaitUntilAsync(
            async () =>
            {
                using var counters = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/dashboard/DashboardCounters"));
                root = counters.RootElement.Clone();
                var entryStats = root.GetProperty("simpleGrainStats").EnumerateArray()
                    .Where(g => g.GetProperty("grainType").GetString()!.EndsWith("CacheEntryGrain", StringComparison.Ordinal)).ToList();
                return root.GetProperty("totalActiveHostCount").GetInt32() == 1
                    && root.GetProperty("totalActivationCount").GetInt32() > 0
                    && entryStats.Any(g => g.GetProperty("activationCount").GetInt32() > 0)
                    && entryStats.Any(g => g.GetProperty("totalCalls").GetInt64() > 0);
            },
            TimeSpan.FromSeconds(30),
            () => "the dashboard showed no active host, activations, or cache entry activations and calls within 30 s: " + root);

        // Per method: 4 GetOrCreateAsync calls on two keys (L1 off) are 2 misses, each at least one GetOrLeaseAsync call on
        // an entry grain; the 2 hits are answered from the silo's memory by the batched reader, without an entry call.
        var entryGrainType = root.GetProperty("simpleGrainStats").EnumerateArray()
            .Select(g => g.GetProperty("grainType").GetString()!).First(t => t.EndsWith("CacheEntryGrain", StringComparison.Ordinal));

        // The answer is { "Grain.Method": { "period": { "count": n, ... }, ... }, ... } over the dashboard's 100 s window,
        // which leaves out the current second (upstream's TraceHistory): ask until the calls' second has passed.
        long leaseCalls = 0;
        var grainStats = "";
        await Eventually.WaitUntilAsync(
            async () =>
            {
                grainStats = await http.GetStringAsync($"/dashboard/GrainStats/{entryGrainType}");
                using var parsed = System.Text.Json.JsonDocument.Parse(grainStats);
                leaseCalls = parsed.RootElement.EnumerateObject()
                    .Where(method => method.Name.EndsWith(".GetOrLeaseAsync", StringComparison.Ordinal))
                    .SelectMany(method => method.Value.EnumerateObject())
                    .Sum(period => period.Value.GetProperty("count").GetInt64());
                return leaseCalls >= 2;
            },
            TimeSpan.FromSeconds(30),
            () => $"expected at least 2 GetOrLeaseAsync calls on {entryGrainType}, the dashboard has {leaseCalls}: {grainStats}");

        var siloAddress = root.GetProperty("hosts")[0].GetProperty("siloAddress").GetString()!;
        using var siloCounters = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"/dashboard/SiloCounters/{siloAddress}"));
        Assert.Contains(
            siloCounters.RootElement.EnumerateArray(),
            c => c.GetProperty("name").GetString() == "orleans-catalog-activations" && double.Parse(c.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task DashboardAndCachePage_AskForThePassword_WhenOneIsConfigured()
    {
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { ["LlmCache__Dashboard__Password"] = "s3cret" });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/cache/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode); // probes stay open

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:s3cret")));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/cache/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/dashboard/")).StatusCode);
    }

    private static Task WaitForStatsAsync(HttpClient http, Func<System.Text.Json.JsonElement, bool> ready, string what)
    {
        var last = "";
        return Eventually.WaitUntilAsync(
            async () =>
            {
                last = await http.GetStringAsync("/cache/api/stats");
                using var stats = System.Text.Json.JsonDocument.Parse(last);
                return ready(stats.RootElement);
            },
            TimeSpan.FromSeconds(30),
            () => $"the statistics API did not show {what} within 30 s: {last}");
    }

    private static async Task GenerateTrafficAsync(SiloProcess silo, string clusterId)
    {
        await using var app = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, clusterId, configure: o => o.L1Enabled = false);
        var answer = new CachedResponse("Reset it under Settings > Security.", "gpt-4", 1200, 800);
        var key = app.Cache.CreateKey("reset-password", @namespace: "support");
        await app.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(answer));
        await app.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(answer));
        await app.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(answer));
        var other = app.Cache.CreateKey("export-data", @namespace: "support");
        await app.Cache.GetOrCreateAsync(other, _ => ValueTask.FromResult(answer));
        await app.Services.GetServices<IHostedService>().OfType<OrleansLlmCache.Client.Diagnostics.StatisticsReporter>().Single().FlushAsync();
    }
}
