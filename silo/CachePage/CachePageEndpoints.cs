using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansLlmCache.Abstractions.Statistics;

namespace OrleansLlmCache.Silo.CachePage;

/// <summary>
/// The cache page (<c>/cache</c>): hit rate and dollars saved (gross, embedding cost, net) with their history as
/// charts, top namespaces and warming candidates, from the cluster statistics grain. The grain keeps the charts'
/// history (one point per <c>LlmCache:Statistics:HistoryInterval</c>, an hour by default), so a page opened now shows
/// the last hour at once; the page polls <c>/cache/api/stats</c> every few seconds and loads no script from the internet.
/// </summary>
internal static class CachePageEndpoints
{
    public static RouteGroupBuilder MapCachePage(this IEndpointRouteBuilder endpoints, string path)
    {
        var group = endpoints.MapGroup(path);
        group.MapGet("/", () => Results.Content(Page, "text/html; charset=utf-8"));
        group.MapGet("/api/stats", async (IGrainFactory grains) =>
        {
            var statistics = grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key);
            var stats = await statistics.GetAsync();
            var candidates = await statistics.GetCandidatesAsync(new CandidateQuery(2, 10));
            return Results.Json(new
            {
                at = DateTimeOffset.UtcNow,
                hits = stats.Hits,
                misses = stats.Misses,
                hitRate = stats.HitRate,
                grossSaved = stats.GrossSaved,
                embeddingCost = stats.EmbeddingCost,
                verifierCost = stats.VerifierCost,
                netSaved = stats.NetSaved,
                dollarsSpent = stats.Spent,
                warmed = stats.Warmed,
                warmingSpent = stats.WarmingSpent,
                refreshed = stats.Refreshed,
                refreshSpent = stats.RefreshSpent,
                p99HitMs = LatencyHistogram.Percentile(stats.HitHistogram, 99).TotalMilliseconds,
                p99MissMs = LatencyHistogram.Percentile(stats.MissHistogram, 99).TotalMilliseconds,
                namespaces = stats.Rows.Select(r => r.Namespace).Concat(stats.Embedding.Select(e => e.Namespace)).Distinct()
                    .Select(name => new
                    {
                        name,
                        hits = stats.Rows.Where(r => r.Namespace == name && ClusterStatistics.IsHit(r.Outcome)).Sum(r => r.Count),
                        misses = stats.Rows.Where(r => r.Namespace == name && r.Outcome == ClusterStatistics.MissOutcome).Sum(r => r.Count),
                        warmed = stats.WarmedIn(name),
                        grossSaved = stats.GrossSavedIn(name),
                        embeddingCost = stats.EmbeddingCostIn(name),
                        warmingSpent = stats.WarmingSpentIn(name),
                        netSaved = stats.NetSavedIn(name),
                    })
                    .OrderByDescending(n => n.hits + n.misses + n.warmed)
                    .Take(10),
                history = stats.History.Select(h => new { at = h.At, hitRate = h.HitRate, grossSaved = h.GrossSaved, netSaved = h.NetSaved }),
                candidates = candidates.Select(c => new { key = c.Key, misses = c.Misses }),
                semantic = stats.SemanticNamespaces.Select(name => (Name: name, Feedback: stats.SemanticFeedbackIn(name))).Select(n => new
                {
                    name = n.Name,
                    semanticHits = stats.SemanticHitsIn(n.Name),
                    reportedCorrect = n.Feedback.ReportedCorrect,
                    reportedWrong = n.Feedback.ReportedWrong,
                    errorRate = n.Feedback.ErrorRate,
                    errorRateUpperBound = n.Feedback.ErrorRateUpperBound,
                    verifierRefusals = n.Feedback.VerifierRefusals,
                    verifierCost = stats.VerifierCostIn(n.Name),
                }),
            });
        });
        return group;
    }

    private const string Page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>OrleansLlmCache: cache</title>
        <style>
          body { font: 15px system-ui, sans-serif; margin: 24px; color: #1b1f24; background: #f6f8fa; }
          h1 { font-size: 22px; margin: 0 0 16px; } h2 { font-size: 16px; margin: 0 0 8px; }
          .tiles { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 16px; }
          .tile { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 16px; min-width: 150px; }
          .tile .v { font-size: 24px; font-weight: 600; } .tile .l { color: #57606a; font-size: 13px; }
          .row { display: flex; gap: 16px; flex-wrap: wrap; } .card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 16px; flex: 1 1 420px; }
          table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eaeef2; font-size: 13px; }
          td.n { text-align: right; font-variant-numeric: tabular-nums; } svg { width: 100%; height: 160px; }
          .axis { color: #57606a; font-size: 12px; }
        </style></head>
        <body>
          <h1>OrleansLlmCache: what the cache saves</h1>
          <div class="tiles">
            <div class="tile"><div class="v" id="hitRate">-</div><div class="l">Hit rate</div></div>
            <div class="tile"><div class="v" id="saved">-</div><div class="l">Dollars saved, net</div></div>
            <div class="tile"><div class="v" id="gross">-</div><div class="l">Saved gross / embedding / warming cost</div></div>
            <div class="tile"><div class="v" id="spent">-</div><div class="l">Dollars spent on misses</div></div>
            <div class="tile"><div class="v" id="requests">-</div><div class="l">Requests (hits / misses)</div></div>
            <div class="tile"><div class="v" id="p99">-</div><div class="l">p99 hit / miss</div></div>
          </div>
          <div class="row">
            <div class="card"><h2>Hit rate over time</h2><svg id="hitChart" viewBox="0 0 600 160" preserveAspectRatio="none"></svg><div class="axis" id="hitAxis"></div></div>
            <div class="card"><h2>Dollars saved (net) over time</h2><svg id="savedChart" viewBox="0 0 600 160" preserveAspectRatio="none"></svg><div class="axis" id="savedAxis"></div></div>
          </div>
          <div class="row" style="margin-top:16px">
            <div class="card"><h2>Top namespaces</h2><table><thead><tr><th>namespace</th><th>hits</th><th>misses</th><th>saved gross</th><th>embedding</th><th>warming</th><th>saved net</th></tr></thead><tbody id="namespaces"></tbody></table></div>
            <div class="card"><h2>Warming candidates</h2><table><thead><tr><th>key</th><th>misses</th></tr></thead><tbody id="candidates"></tbody></table></div>
          </div>
          <div class="row" style="margin-top:16px">
            <div class="card"><h2>Semantic hits and feedback</h2><table><thead><tr><th>namespace</th><th>semantic hits</th><th>reported right</th><th>reported wrong</th><th>error rate (95 % bound)</th><th>verifier refused</th><th>verifier cost</th></tr></thead><tbody id="semantic"></tbody></table></div>
          </div>
        <script>
          // Embedding costs are millionths of a dollar: below a cent, two significant digits instead of $0.00.
          const money = v => '$' + (v !== 0 && Math.abs(v) < 0.01 ? v.toFixed(Math.min(12, 1 - Math.floor(Math.log10(Math.abs(v))))) : v.toFixed(2));
          function line(svg, values, max, color) {
            const w = 600, h = 150, n = values.length;
            if (n === 0) { svg.innerHTML = ''; return; }
            const pts = values.map((v, i) => `${n === 1 ? w : (i * w / (n - 1))},${h - (max > 0 ? v / max : 0) * (h - 10) + 5}`);
            if (n === 1) pts.unshift(`0,${pts[0].split(',')[1]}`);
            svg.dataset.points = n;
            svg.innerHTML = `<polyline fill="none" stroke="${color}" stroke-width="3" points="${pts.join(' ')}"/>`;
          }
          // A chart without numbers tells nothing: name the time span it covers and what its top and bottom stand for.
          function axis(id, points, range) {
            const time = at => new Date(at).toISOString().substring(11, 16);
            document.getElementById(id).textContent = `${time(points[0].at)} to ${time(points[points.length - 1].at)} UTC, ${range}`;
          }
          function rows(id, items, cells) {
            document.getElementById(id).innerHTML = items.length === 0 ? '<tr><td colspan="7">none yet</td></tr>'
              : items.map(i => '<tr>' + cells(i).map((c, k) => `<td class="${k ? 'n' : ''}">${c}</td>`).join('') + '</tr>').join('');
          }
          async function refresh() {
            const s = await (await fetch('api/stats', { cache: 'no-store' })).json();
            // The server's history (one point per interval, kept by the statistics grain) and the totals of this moment.
            const points = s.history.concat([{ at: s.at, hitRate: s.hitRate, grossSaved: s.grossSaved, netSaved: s.netSaved }]);
            document.getElementById('hitRate').textContent = (s.hitRate * 100).toFixed(1) + ' %';
            document.getElementById('saved').textContent = money(s.netSaved);
            document.getElementById('gross').textContent = `${money(s.grossSaved)} / ${money(s.embeddingCost)} / ${money(s.warmingSpent)}`;
            document.getElementById('spent').textContent = money(s.dollarsSpent);
            document.getElementById('requests').textContent = `${s.hits} / ${s.misses}`;
            document.getElementById('p99').textContent = `${s.p99HitMs.toFixed(2)} / ${s.p99MissMs.toFixed(0)} ms`;
            document.getElementById('hitChart').dataset.historyPoints = s.history.length;
            line(document.getElementById('hitChart'), points.map(h => h.hitRate), 1, '#1f883d');
            const topSaved = Math.max(...points.map(h => h.netSaved));
            line(document.getElementById('savedChart'), points.map(h => h.netSaved), topSaved, '#0969da');
            axis('hitAxis', points, 'bottom 0 %, top 100 %');
            axis('savedAxis', points, `bottom $0, top ${money(topSaved)}`);
            rows('namespaces', s.namespaces, n => [n.name || '(none named)', n.hits, n.misses, money(n.grossSaved), money(n.embeddingCost), money(n.warmingSpent), money(n.netSaved)]);
            rows('candidates', s.candidates, c => [c.key, c.misses]);
            const percent = v => (v * 100).toFixed(1) + ' %';
            rows('semantic', s.semantic, n => [n.name || '(none named)', n.semanticHits, n.reportedCorrect, n.reportedWrong,
              n.reportedCorrect + n.reportedWrong === 0 ? 'no reports' : `${percent(n.errorRate)} (≤ ${percent(n.errorRateUpperBound)})`, n.verifierRefusals, money(n.verifierCost)]);
            document.body.dataset.loaded = 'true';
          }
          refresh(); setInterval(refresh, 5000);
        </script>
        </body></html>
        """;
}
