using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Tests.Infrastructure;
using Spectre.Console;

namespace OrleansLlmCache.Tests.Cli;

/// <summary>Cluster-wide statistics and warming candidates, reported by app servers and read with the CLI.</summary>
[Trait("Category", "Integration")]
public sealed class StatisticsCommandTests
{
    [Fact]
    public async Task StatsAndCandidates_ShowWhatTheAppServersReported()
    {
        await using var silo = await TcpSilo.StartAsync("stats-" + Guid.NewGuid().ToString("N")[..8]);
        await using (var app = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId))
        {
            var cache = app.Cache;
            var popular = cache.CreateKey("popular", @namespace: "support");
            for (var i = 0; i < 3; i++)
            {
                await cache.GetOrCreateAsync(popular, _ => ValueTask.FromResult(new CachedResponse("answer", "gpt-4", 1000, 1000)));
                await cache.RemoveAsync(popular); // keeps missing: a warming candidate
            }

            var hit = cache.CreateKey("hit", @namespace: "support");
            await cache.GetOrCreateAsync(hit, _ => ValueTask.FromResult(new CachedResponse("answer", "gpt-4", 1000, 1000)));
            await cache.GetOrCreateAsync(hit, _ => throw new InvalidOperationException("hit expected"));

            // Reports go every 5 s and when the app server stops; flush now.
            await app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()
                .OfType<OrleansLlmCache.Client.Diagnostics.StatisticsReporter>().Single().FlushAsync();
        }

        var stats = await RunAsync(silo, "stats");
        Assert.True(stats.ExitCode == 0, stats.Output);
        Assert.Contains("support", stats.Output, StringComparison.Ordinal);
        Assert.Contains("4 misses", stats.Output, StringComparison.Ordinal);
        Assert.Contains("$0.09", stats.Output, StringComparison.Ordinal); // one GPT-4 hit of 1,000 + 1,000 tokens

        var candidates = await RunAsync(silo, "candidates", "--threshold", "3");
        Assert.Contains("default/support/popular", candidates.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("default/support/hit", candidates.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CandidatesWarm_SendsRecordedRequestsToTheOriginAgain_AndListsThemAsWarmable()
    {
        await using var silo = await TcpSilo.StartAsync("warm-" + Guid.NewGuid().ToString("N")[..8]);
        var key = await ChatMisses.MissTwiceAsync(silo, "How do I export my data?", recordForWarming: true);

        var listed = await RunAsync(silo, "candidates", "--threshold", "2");
        Assert.Contains(key.ToGrainKey(), listed.Output, StringComparison.Ordinal);
        Assert.Contains("yes", listed.Output, StringComparison.Ordinal);

        var warmed = await RunAsync(silo, "candidates", "--threshold", "2", "--warm", "--latency-scale", "0");
        Assert.True(warmed.ExitCode == 0, warmed.Output);
        Assert.Contains("1 candidates: 1 warmed, 0 already cached, 0 failed", warmed.Output, StringComparison.Ordinal);

        var again = await RunAsync(silo, "candidates", "--threshold", "2", "--warm", "--latency-scale", "0");
        Assert.Contains("1 candidates: 0 warmed, 1 already cached, 0 failed", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CandidatesWarm_WhenAppServersRecordNoRequests_SaysWhichSettingToTurnOn()
    {
        await using var silo = await TcpSilo.StartAsync("norec-" + Guid.NewGuid().ToString("N")[..8]);
        // An app server with the default settings: it counts its misses but records no request.
        var key = await ChatMisses.MissTwiceAsync(silo, "How do I export my data?", recordForWarming: false);

        var listed = await RunAsync(silo, "candidates", "--threshold", "2");
        Assert.True(listed.ExitCode == 0, listed.Output);
        Assert.Contains(key.ToGrainKey(), listed.Output, StringComparison.Ordinal);
        Assert.Contains("no (no request recorded)", listed.Output, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Client:RecordMissedRequestsForWarming=true", Unwrapped(listed.Output), StringComparison.Ordinal);

        var warmed = await RunAsync(silo, "candidates", "--threshold", "2", "--warm", "--latency-scale", "0");
        Assert.True(warmed.ExitCode == 0, warmed.Output);
        Assert.Contains("0 candidates: 0 warmed", warmed.Output, StringComparison.Ordinal);
        var said = Unwrapped(warmed.Output);
        Assert.Contains("Nothing to warm: 1 key missed 2 times or more, but no request was recorded for any.", said, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Client:RecordMissedRequestsForWarming=true", said, StringComparison.Ordinal);
        Assert.Contains("LlmCache__Client__RecordMissedRequestsForWarming=true", said, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_ShowSavingsGrossEmbeddingWarmingAndNet_PerNamespaceAndInTotal()
    {
        var stats = new ClusterStatistics(
            [
                new StatisticsRow("support", "gpt-4", "silo", 1, 1, 1000, 1000, 0.09m),
                new StatisticsRow("support", "gpt-4", "semantic", 1, 4, 1000, 1000, 0.09m),
                new StatisticsRow("support", "gpt-4", ClusterStatistics.MissOutcome, 1, 2000, 1000, 1000, 0.09m),
                new StatisticsRow("support", "gpt-4", ClusterStatistics.WarmOutcome, 2, 3000, 2000, 2000, 0.18m),
            ],
            new long[LatencyHistogram.Buckets],
            new long[LatencyHistogram.Buckets],
            DateTimeOffset.UnixEpoch,
            [new EmbeddingUsageRow("support", 3, 2_000_000, 0.02m)],
            []);
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 220;

        StatsCommand.Render(console, stats);

        var output = writer.ToString();
        Assert.Contains("3 / 2,000,000", output, StringComparison.Ordinal); // texts / tokens embedded
        // Warming's two origin calls are neither hits nor misses (the hit rate stays 2 of 3) but cost the savings $0.18.
        Assert.Contains("total: 2 hits, 1 misses, hit rate 66.7 %, 2 origin calls by warming", output, StringComparison.Ordinal);
        Assert.Contains("saved $0.18 gross - $0.02 embedding - $0.00 verifier - $0.18 warming - $0.00 refresh = -$0.02 net; spent $0.09 on misses", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ShowsSemanticHitsFeedbackAndTheVerifiersCost_PerNamespace()
    {
        var stats = new ClusterStatistics(
            [
                new StatisticsRow("support", "gpt-4", ClusterStatistics.SemanticOutcome, 40, 4, 1000, 1000, 0.9m, "acme"),
                new StatisticsRow("support", "verifier-mini", ClusterStatistics.VerifyOutcome, 45, 90, 4000, 45, 0.01m, "acme"),
            ],
            new long[LatencyHistogram.Buckets],
            new long[LatencyHistogram.Buckets],
            DateTimeOffset.UnixEpoch,
            [],
            [])
        {
            SemanticFeedback = [new SemanticFeedbackRow("acme", "support", 18, 2, 5)],
        };
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 220;

        StatsCommand.Render(console, stats);

        var output = Unwrapped(writer.ToString());
        Assert.Contains("Semantic hits and feedback", output, StringComparison.Ordinal);
        Assert.Contains("support │ 40 │ 18 / 2 │ 10.0 % (≤ 30.1 %) │ 5 │ $0.01", output, StringComparison.Ordinal);
        Assert.Contains("- $0.01 verifier -", output, StringComparison.Ordinal);
        Assert.Equal(0.89m, stats.NetSaved); // the verifier's model is a cost of the cache
    }

    // The CLI, pointed at the test's own silo.
    private static Task<(int ExitCode, string Output)> RunAsync(TcpSilo silo, params string[] arguments) =>
        CliRunner.RunAsync([.. arguments, "--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", silo.ClusterId]);

    // The console wraps long lines at its width: compare text, not line breaks.
    private static string Unwrapped(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
}
