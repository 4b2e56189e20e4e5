using Npgsql;

namespace OrleansLlmCache.Testing;

/// <summary>
/// A real PostgreSQL server on 127.0.0.1 and a free port, in a throw-away data folder (fsync off: tests, not
/// durability). It can be stopped and started again on the same port to simulate an outage. It runs with PostgreSQL's
/// default <c>max_connections</c> (100), as a production server would, unless a test asks for fewer.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly string _binDirectory;
    private readonly int? _maxConnections;

    private LocalPostgres(string dataDirectory, string binDirectory, int port, int? maxConnections)
    {
        _dataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        _maxConnections = maxConnections;
        Port = port;
    }

    public int Port { get; }

    /// <param name="maxConnections">The server's <c>max_connections</c>; PostgreSQL's default (100) when null.</param>
    public static async Task<LocalPostgres> StartAsync(int? maxConnections = null)
    {
        var bin = FindBinDirectory();
        var data = Path.Combine(Path.GetTempPath(), "llmcache-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        if (Environment.UserName == "root")
        {
            await ProcessRunner.RunAsync("chown", "postgres:postgres", data);
        }

        var (initdb, initArgs) = ProcessRunner.AsPostgresUser(Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C");
        await ProcessRunner.RunAsync(initdb, initArgs);
        var server = new LocalPostgres(data, bin, FreePorts.Next(), maxConnections);
        await server.StartServerAsync();
        return server;
    }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=15;Command Timeout=60";

    public async Task<string> CreateDatabaseAsync()
    {
        var name = "llmcache_" + Guid.NewGuid().ToString("N")[..10];
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task StartServerAsync()
    {
        var limit = _maxConnections is { } max ? $" -c max_connections={max}" : "";
        var (pgctl, args) = ProcessRunner.AsPostgresUser(
            Path.Combine(_binDirectory, "pg_ctl"), "-D", _dataDirectory, "-l", Path.Combine(_dataDirectory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {_dataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off{limit}",
            "start");
        await ProcessRunner.RunAsync(pgctl, args);
    }

    public async Task StopServerAsync()
    {
        var (pgctl, args) = ProcessRunner.AsPostgresUser(Path.Combine(_binDirectory, "pg_ctl"), "-D", _dataDirectory, "-m", "fast", "-w", "stop");
        await ProcessRunner.RunAsync(pgctl, args);
        NpgsqlConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopServerAsync();
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindBinDirectory()
    {
        foreach (var candidate in Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending() : Enumerable.Empty<string>())
        {
            var bin = Path.Combine(candidate, "bin");
            if (File.Exists(Path.Combine(bin, "initdb")))
            {
                return bin;
            }
        }

        return File.Exists("/usr/local/bin/initdb")
            ? "/usr/local/bin"
            : throw new InvalidOperationException("PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin): install the postgresql package.");
    }
}
