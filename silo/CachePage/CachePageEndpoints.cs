using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansLlmCache.Statistics;

namespace OrleansLlmCache.Silo.CachePage;

/// <summary>
/// The cache page (<c>/cache</c>): hit rate and dollars saved over time as charts, top namespaces and warming
/// candidates, from the cluster statistics grain. The page polls <c>/cache/api/stats</c> every few seconds and keeps
/// its own history, so it needs no database of time series; it loads no script from the internet.
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
            var candidates = await statistics.GetCandidatesAsync(2, 10);
            var hits = stats.Rows.Where(r => r.Outcome != "miss").ToList();
            var misses = stats.Rows.Where(r => r.Outcome == "miss").ToList();
            long total = hits.Sum(r => r.Count) + misses.Sum(r => r.Count);
            return Results.Json(new
            {
                at = DateTimeOffset.UtcNow,
                hits = hits.Sum(r => r.Count),
                misses = misses.Sum(r => r.Count),
                hitRate = total == 0 ? 0 : (double)hits.Sum(r => r.Count) / total,
                dollarsSaved = hits.Sum(r => r.Dollars),
                dollarsSpent = misses.Sum(r => r.Dollars),
                p99HitMs = LatencyHistogram.Percentile(stats.HitHistogram, 99).TotalMilliseconds,
                p99MissMs = LatencyHistogram.Percentile(stats.MissHistogram, 99).TotalMilliseconds,
                namespaces = stats.Rows.GroupBy(r => r.Namespace)
                    .Select(g => new
                    {
                        name = g.Key,
                        hits = g.Where(r => r.Outcome != "miss").Sum(r => r.Count),
                        misses = g.Where(r => r.Outcome == "miss").Sum(r => r.Count),
                        saved = g.Where(r => r.Outcome != "miss").Sum(r => r.Dollars),
                    })
                    .OrderByDescending(n => n.hits + n.misses)
                    .Take(10),
                candidates = candidates.Select(c => new { key = c.Key, misses = c.Misses }),
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
        </style></head>
        <body>
          <h1>OrleansLlmCache: what the cache saves</h1>
          <div class="tiles">
            <div class="tile"><div class="v" id="hitRate">-</div><div class="l">Hit rate</div></div>
            <div class="tile"><div class="v" id="saved">-</div><div class="l">Dollars saved</div></div>
            <div class="tile"><div class="v" id="spent">-</div><div class="l">Dollars spent on misses</div></div>
            <div class="tile"><div class="v" id="requests">-</div><div class="l">Requests (hits / misses)</div></div>
            <div class="tile"><div class="v" id="p99">-</div><div class="l">p99 hit / miss</div></div>
          </div>
          <div class="row">
            <div class="card"><h2>Hit rate over time</h2><svg id="hitChart" viewBox="0 0 600 160" preserveAspectRatio="none"></svg></div>
            <div class="card"><h2>Dollars saved over time</h2><svg id="savedChart" viewBox="0 0 600 160" preserveAspectRatio="none"></svg></div>
          </div>
          <div class="row" style="margin-top:16px">
            <div class="card"><h2>Top namespaces</h2><table><thead><tr><th>namespace</th><th>hits</th><th>misses</th><th>saved</th></tr></thead><tbody id="namespaces"></tbody></table></div>
            <div class="card"><h2>Warming candidates</h2><table><thead><tr><th>key</th><th>misses</th></tr></thead><tbody id="candidates"></tbody></table></div>
          </div>
        <script>
          const history = [];
          const money = v => '$' + v.toFixed(2);
          function line(svg, values, max, color) {
            const w = 600, h = 150, n = values.length;
            if (n === 0) { svg.innerHTML = ''; return; }
            const pts = values.map((v, i) => `${n === 1 ? w : (i * w / (n - 1))},${h - (max > 0 ? v / max : 0) * (h - 10) + 5}`);
            if (n === 1) pts.unshift(`0,${pts[0].split(',')[1]}`);
            svg.innerHTML = `<polyline fill="none" stroke="${color}" stroke-width="3" points="${pts.join(' ')}"/>`;
          }
          function rows(id, items, cells) {
            document.getElementById(id).innerHTML = items.length === 0 ? '<tr><td colspan="4">none yet</td></tr>'
              : items.map(i => '<tr>' + cells(i).map((c, k) => `<td class="${k ? 'n' : ''}">${c}</td>`).join('') + '</tr>').join('');
          }
          async function refresh() {
            const s = await (await fetch('api/stats', { cache: 'no-store' })).json();
            history.push(s); if (history.length > 120) history.shift();
            document.getElementById('hitRate').textContent = (s.hitRate * 100).toFixed(1) + ' %';
            document.getElementById('saved').textContent = money(s.dollarsSaved);
            document.getElementById('spent').textContent = money(s.dollarsSpent);
            document.getElementById('requests').textContent = `${s.hits} / ${s.misses}`;
            document.getElementById('p99').textContent = `${s.p99HitMs.toFixed(2)} / ${s.p99MissMs.toFixed(0)} ms`;
            line(document.getElementById('hitChart'), history.map(h => h.hitRate), 1, '#1f883d');
            line(document.getElementById('savedChart'), history.map(h => h.dollarsSaved), Math.max(...history.map(h => h.dollarsSaved)), '#0969da');
            rows('namespaces', s.namespaces, n => [n.name, n.hits, n.misses, money(n.saved)]);
            rows('candidates', s.candidates, c => [c.key, c.misses]);
            document.body.dataset.loaded = 'true';
          }
          refresh(); setInterval(refresh, 5000);
        </script>
        </body></html>
        """;
}
