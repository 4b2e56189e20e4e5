using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansLlmCache.Tests.Gateway;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Deploy;

/// <summary>
/// The Grafana dashboard and the alert rules in deploy/k8s/monitoring ask for metrics the silo really exports: a silo
/// program with its gateway serves hits, misses and an invalidation, and every metric name in the dashboard's queries
/// and the rules' expressions must be in its /metrics.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class MonitoringTests
{
    private const string ApiKey = "sk-llmcache-monitoring";

    [Fact]
    public async Task EveryMetricTheDashboardAndTheAlertsQuery_IsOneTheSiloExports()
    {
        var wanted = DashboardMetrics().Concat(AlertMetrics()).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("llmcache_client_duration_seconds_bucket", wanted);
        Assert.Contains("llmcache_silo_invalidations_total", wanted);

        var exported = await ScrapeAfterTrafficAsync();

        var missing = wanted.Where(name => !exported.Contains(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"queried but not exported: {string.Join(", ", missing)}\nexported: {string.Join(", ", exported.Order(StringComparer.Ordinal))}");
    }

    [Fact]
    public void TheDashboard_GroupsByAttributesTheMetricsCarry()
    {
        var expressions = string.Join("\n", DashboardExpressions());

        // The attributes the client meter records (LlmCacheStatistics), as Prometheus spells them.
        var labels = LabelPattern().Matches(expressions).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries)).Distinct().ToList();
        Assert.Contains("llmcache_layer", labels);
        foreach (var label in labels)
        {
            Assert.Contains(label, (string[])["le", "instance", "llmcache_result", "llmcache_layer", "llmcache_namespace", "gen_ai_response_model", "llmcache_invalidation_kind"]);
        }
    }

    private static async Task<HashSet<string>> ScrapeAfterTrafficAsync()
    {
        await using var upstream = await StubUpstream.StartAsync();
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string>
        {
            ["LlmCache__Silo__ClusterId"] = "monitoring-" + Guid.NewGuid().ToString("N")[..8],
            ["LlmCache__Gateway__Upstream__BaseUrl"] = upstream.BaseUrl,
            ["LlmCache__Gateway__ApiKeys__0__Sha256"] = GatewayHost.Sha256(ApiKey),
            ["LlmCache__Gateway__ApiKeys__0__Tenant"] = "acme",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);

        var question = $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"What is monitored? {{Guid.NewGuid():N}}"}]}""";
        foreach (var expected in (string[])["miss", "hit"])
        {
            using var response = await http.PostAsync("v1/chat/completions", new StringContent(question, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected, response.Headers.GetValues("x-llmcache-status").Single());
        }

        using (var invalidation = await http.PostAsync("v1/cache/invalidate", new StringContent("""{"tag":"monitored"}""", Encoding.UTF8, "application/json")))
        {
            Assert.True(invalidation.IsSuccessStatusCode, await invalidation.Content.ReadAsStringAsync());
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        await Eventually.WaitUntilAsync(
            async () =>
            {
                var text = await http.GetStringAsync("metrics");
                names = text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => SeriesName().Match(l).Value).ToHashSet(StringComparer.Ordinal);
                return names.Contains("llmcache_silo_invalidations_total") && names.Contains("llmcache_client_duration_seconds_bucket");
            },
            TimeSpan.FromSeconds(30),
            () => "the silo's /metrics never showed the traffic: " + string.Join(", ", names));
        return names;
    }

    private static IEnumerable<string> DashboardExpressions()
    {
        using var dashboard = JsonDocument.Parse(RepositoryFiles.Read("deploy/k8s/monitoring/grafana-dashboard.json"));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
    }

    private static IEnumerable<string> DashboardMetrics() => DashboardExpressions().SelectMany(MetricNames);

    private static IEnumerable<string> AlertMetrics()
    {
        var text = RepositoryFiles.Read("deploy/k8s/monitoring/prometheusrule.yaml");
        Assert.Equal("PrometheusRule", YamlNode.LoadAll(text).Single().Kind);
        return MetricNames(text);
    }

    // Label names are spelled like metric names: the by (...) clauses and label matchers are taken out first.
    private static IEnumerable<string> MetricNames(string expression) =>
        MetricName().Matches(LabelMatcher().Replace(GroupingClause().Replace(expression, ""), "")).Select(m => m.Value);

    [GeneratedRegex(@"\b(?:llmcache|orleans)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"\b(?:by|without) \([^)]*\)")]
    private static partial Regex GroupingClause();

    [GeneratedRegex(@"\b[a-z_]+\s*(?:=~|!~|!=|=)\s*""[^""]*""")]
    private static partial Regex LabelMatcher();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex SeriesName();

    [GeneratedRegex(@"by \(([a-z_, ]+)\)")]
    private static partial Regex LabelPattern();
}
