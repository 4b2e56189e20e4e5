using OrleansLlmCache.Testing;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// Silo processes in the production shape: Redis membership, memory or PostgreSQL grain storage, server GC as the silo
/// ships, started one after another (several silos starting at once on two loaded cores suspected each other in the
/// cluster tests).
/// </summary>
internal static class SiloCluster
{
    /// <param name="postgresDatabase">A PostgreSQL connection string for grain storage; memory storage when null.</param>
    /// <param name="own">Called with each silo as soon as it is up, so that a harness stopped half-way still stops it.</param>
    public static async Task<List<SiloProcess>> StartAsync(
        int count, string clusterId, string redis, string? postgresDatabase, Func<SiloProcess, SiloProcess>? own = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["LlmCache__Silo__ClusterId"] = clusterId,
            ["LlmCache__Silo__Clustering"] = "Redis",
            ["LlmCache__Silo__Storage"] = postgresDatabase is null ? "Memory" : "PostgreSQL",
            ["ConnectionStrings__Redis"] = redis,
            ["DOTNET_gcServer"] = "1", // as the silo ships
        };
        if (postgresDatabase is not null)
        {
            environment["ConnectionStrings__PostgreSQL"] = postgresDatabase;
        }

        var silos = new List<SiloProcess>();
        for (var i = 0; i < count; i++)
        {
            var silo = await SiloProcess.StartAsync(environment);
            silos.Add(own is null ? silo : own(silo));
        }

        return silos;
    }
}
