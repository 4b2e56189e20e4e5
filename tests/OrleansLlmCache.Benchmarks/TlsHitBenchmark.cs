using System.Globalization;
using System.Text;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Benchmarks.Comparison;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// What TLS costs an exact hit: two three-silo clusters of the exact-hits benchmark's kind (silo processes, Redis
/// membership, PostgreSQL storage), one with plain Orleans connections and one with mutual TLS as the prod overlay
/// sets it (certificates of a private CA made here), 1 KiB entries read by 64 callers through one client each, L1 off.
/// Rows alternate between the two so that both see the same machine noise.
/// </summary>
internal static class TlsHitBenchmark
{
    private const int PayloadBytes = 1024;
    private const int Callers = 64;
    private const string ServerName = "llmcache-silo.bench";

    public static async Task RunAsync(TimeSpan duration, int keys, int rounds)
    {
        await using var redis = await LocalRedis.StartAsync();
        await using var postgres = await LocalPostgres.StartAsync();
        using var ca = TestCertificateAuthority.Create("bench CA");
        using var files = new CertificateDirectory();
        var caPath = files.Write("ca.crt", ca.Certificate.ExportCertificatePem());
        using var siloCertificate = ca.IssueSilo(ServerName);
        using var clientCertificate = ca.IssueClient();
        var silo = files.WritePem("silo", siloCertificate);
        var client = files.WritePem("client", clientCertificate);
        var siloTls = new Dictionary<string, string>
        {
            ["LlmCache__Tls__Enabled"] = "true",
            ["LlmCache__Tls__CertificatePath"] = silo.Certificate,
            ["LlmCache__Tls__KeyPath"] = silo.Key,
            ["LlmCache__Tls__CaCertificatePath"] = caPath,
            ["LlmCache__Tls__ServerName"] = ServerName,
            ["LlmCache__Tls__ClientCertificateRequired"] = "true",
            ["LlmCache__Tls__AllowPlainBackends"] = "true", // the benchmark's Redis and PostgreSQL are local, without TLS
        };

        var silos = new List<SiloProcess>();
        try
        {
            var plain = await StartClusterAsync("plain", [], redis, postgres, silos);
            var tls = await StartClusterAsync("mutual TLS", siloTls, redis, postgres, silos);
            await using var plainClient = await ClientHost.ConnectAsync(o => (o.ClusterId, o.RedisConnectionString) = (plain.ClusterId, redis.ConnectionString), configure: o => o.L1Enabled = false);
            await using var tlsClient = await ClientHost.ConnectAsync(
                o =>
                {
                    (o.ClusterId, o.RedisConnectionString) = (tls.ClusterId, redis.ConnectionString);
                    o.Tls.Enabled = true;
                    (o.Tls.CertificatePath, o.Tls.KeyPath, o.Tls.CaCertificatePath, o.Tls.ServerName) = (client.Certificate, client.Key, caPath, ServerName);
                },
                configure: o => o.L1Enabled = false);
            var contenders = new[] { (Name: "plain TCP", Client: plainClient, plain.Silos), (Name: "mutual TLS", Client: tlsClient, tls.Silos) };
            var payload = ExactHitBenchmark.Payload(PayloadBytes);
            foreach (var contender in contenders)
            {
                for (var i = 0; i < keys; i++)
                {
                    await contender.Client.Cache.SetAsync(Key(contender.Client.Cache, i), new CachedResponse(payload, "gpt-4", 100, 300), LlmCacheEntryOptions.NeverExpire);
                }
            }

            var loadBefore = FailSafeReport.LoadAverage();
            var results = new List<LoadResult>();
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, cache, processes) in contenders)
                {
                    var keyed = Enumerable.Range(0, keys).Select(i => Key(cache.Cache, i)).ToArray();
                    results.Add(await LoadRunner.RunAsync($"exact hit, {name}", PayloadBytes, Callers, TimeSpan.FromSeconds(1), duration, async i =>
                    {
                        if (await cache.Cache.GetAsync(keyed[i % keys]) is null)
                        {
                            throw new InvalidOperationException("cache miss");
                        }
                    }, [redis.ProcessId, .. processes.Select(s => s.ProcessId)]));
                    Console.Error.WriteLine(results[^1].ToMarkdownRow());
                }
            }

            Console.WriteLine(Report(results, duration, keys, loadBefore, FailSafeReport.LoadAverage()));
        }
        finally
        {
            foreach (var process in silos)
            {
                await process.DisposeAsync();
            }
        }
    }

    private static async Task<(string ClusterId, List<SiloProcess> Silos)> StartClusterAsync(
        string name, Dictionary<string, string> tls, LocalRedis redis, LocalPostgres postgres, List<SiloProcess> started)
    {
        var clusterId = "bench-" + name.Replace(' ', '-') + "-" + Guid.NewGuid().ToString("N")[..6];
        var environment = new Dictionary<string, string>(tls)
        {
            ["LlmCache__Silo__ClusterId"] = clusterId,
            ["LlmCache__Silo__Clustering"] = "Redis",
            ["LlmCache__Silo__Storage"] = "PostgreSQL",
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["ConnectionStrings__PostgreSQL"] = await postgres.CreateDatabaseAsync(),
            ["DOTNET_gcServer"] = "1", // as the silo ships
        };
        var silos = new List<SiloProcess>();
        for (var i = 0; i < 3; i++)
        {
            var silo = await SiloProcess.StartAsync(environment);
            started.Add(silo); // stopped by the caller whatever fails next
            silos.Add(silo);
        }

        return (clusterId, silos);
    }

    private static Abstractions.Keys.CacheKey Key(ILlmCache cache, int i) => cache.CreateKey($"tls-bench-{i}");

    private static string Report(IReadOnlyList<LoadResult> results, TimeSpan duration, int keys, string loadBefore, string loadAfter)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"Exact hits, plain vs mutual TLS: {keys} keys of {PayloadBytes / 1024} KiB, {Callers} callers, {duration.TotalSeconds:0} s per row, rows alternating, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}");
        Line($"Load average (1, 5, 15 min) before: {loadBefore}; after: {loadAfter}");
        text.AppendLine();
        text.AppendLine("| what | payload | callers | p50 | p99 | ops/s | client CPU/op | server CPU/op |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var result in results)
        {
            text.AppendLine(result.ToMarkdownRow());
        }

        var plain = results.Where(r => r.Name.EndsWith("plain TCP", StringComparison.Ordinal)).ToList();
        var tls = results.Where(r => r.Name.EndsWith("mutual TLS", StringComparison.Ordinal)).ToList();
        text.AppendLine();
        Line($"Mean of the rows, TLS / plain: throughput {tls.Average(r => r.Throughput) / plain.Average(r => r.Throughput):0.00}x, p50 {tls.Average(r => r.Percentile(50)) / plain.Average(r => r.Percentile(50)):0.00}x, p99 {tls.Average(r => r.Percentile(99)) / plain.Average(r => r.Percentile(99)):0.00}x");
        return text.ToString();
    }
}
