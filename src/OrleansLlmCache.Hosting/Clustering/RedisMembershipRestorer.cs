using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using OrleansLlmCache.Hosting.Options;
using StackExchange.Redis;

namespace OrleansLlmCache.Hosting.Clustering;

/// <summary>
/// Puts the cluster's membership back into Redis when Redis loses it (a restart without persistence, a failover to an
/// empty replica, a <c>FLUSHALL</c>), so that the cluster recovers by itself.
/// </summary>
/// <remarks>
/// <para>
/// Orleans' Redis membership table is one hash, <c>{ServiceId}/members/{ClusterId}</c>: a <c>Version</c> field and a
/// row per silo. When the hash vanishes, Orleans does not notice (orleans#7784): every silo keeps its own view (the
/// empty table's version 0 is older than the view, so it is ignored), its "I am alive" update fails forever because its
/// row is gone, new clients find no gateway, and running clients drop every gateway at their next list refresh.
/// </para>
/// <para>
/// Each active silo therefore keeps the hash's last contents as Orleans wrote them (one <c>HGETALL</c> every
/// <see cref="LlmCacheSiloOptions.MembershipCheckInterval"/>). When the table's version is found lower than the copy's
/// (the hash is gone, or a client or a new silo re-created it empty at version 0), the silo writes the copy back in one
/// script that only succeeds if the table is still what it saw: rows written since the loss win over the copy, and the
/// version becomes higher than every view, so every silo adopts the restored table (and finds itself in it) and
/// Orleans' own writes succeed again. Several silos may notice at once; one of them restores, the others see it done.
/// </para>
/// <para>
/// A silo that joined in the last interval before the loss may be missing from every copy; Orleans then fences it (it
/// stops itself on a newer view without its row) and Kubernetes starts it again. Redis should keep an append-only file
/// all the same: this is the repair, not the plan.
/// </para>
/// </remarks>
internal sealed partial class RedisMembershipRestorer(
    IOptions<RedisClusteringOptions> redisOptions,
    IOptions<ClusterOptions> clusterOptions,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    LlmCacheSiloOptions options,
    ILogger<RedisMembershipRestorer> logger) : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    /// <summary>The field of the hash that holds the table version (Orleans' <c>RedisMembershipTable</c>).</summary>
    internal const string VersionField = "Version";

    // Writes the copy back only if the version field still holds what the silo read (nothing, or a lower version), so
    // that a restore never overwrites a table someone else repaired or changed in the meantime. Rows present now are
    // newer than the copy and are kept (HSETNX).
    // KEYS[1] the hash; ARGV[1] the version field as read ('' when missing), ARGV[2] the new version, then name/value pairs.
    private const string RestoreScript =
        """
        local current = redis.call('HGET', KEYS[1], 'Version')
        if (current or '') ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'Version', ARGV[2])
        for i = 3, #ARGV, 2 do
          redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        return 1
        """;

    private readonly CancellationTokenSource _stop = new();
    private ConnectionMultiplexer? _redis;
    private Task? _loop;
    private HashEntry[]? _copy;
    private int _copyVersion;
    private int _disposed;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RedisMembershipRestorer), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private RedisKey Key => redisOptions.Value.CreateRedisKey(clusterOptions.Value);

    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        var configuration = (redisOptions.Value.ConfigurationOptions ?? throw new InvalidOperationException("Redis clustering has no configuration.")).Clone();
        configuration.AbortOnConnectFail = false; // reconnect by itself while Redis restarts
        _redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    internal async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // Registered once and handed out as a lifecycle participant too: the container may dispose it twice.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        _stop.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.MembershipCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await CheckOnceAsync();
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // Redis is away (restarting, failing over): Orleans reports that itself; try again next tick.
                    CheckFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    /// <summary>Reads the table once: keeps it as the copy when it is whole, writes the copy back when it was lost.</summary>
    internal async Task CheckOnceAsync()
    {
        var db = _redis!.GetDatabase();
        var table = await db.HashGetAllAsync(Key);
        var versionText = table.FirstOrDefault(e => e.Name == VersionField).Value;
        var version = ParseVersion(versionText);
        if (_copy is null || version >= _copyVersion)
        {
            if (_copy is null || version > _copyVersion)
            {
                CopyTaken(logger, Key.ToString(), version, table.Count(e => e.Name != VersionField));
            }

            _copy = table;
            _copyVersion = version;
            return;
        }

        // Versions only grow: a lower one means the hash was lost. Only an active silo repairs it; one that is stopping
        // or already declared dead must not bring back a table in which it still looks alive.
        if (membership.CurrentSnapshot.GetSiloStatus(localSilo.SiloAddress) != SiloStatus.Active)
        {
            return;
        }

        var restored = Math.Max(Math.Max(_copyVersion, version), (int)Math.Min(int.MaxValue - 1, membership.CurrentSnapshot.Version.Value)) + 1;
        var rows = _copy.Where(e => e.Name != VersionField).ToArray();
        RedisValue[] arguments =
        [
            versionText.IsNull ? RedisValue.EmptyString : versionText,
            restored.ToString(CultureInfo.InvariantCulture),
            .. rows.SelectMany(e => new[] { (RedisValue)e.Name, e.Value }),
        ];
        var done = (int)await db.ScriptEvaluateAsync(RestoreScript, [Key], arguments);
        if (done == 1)
        {
            Restored(logger, Key.ToString(), rows.Length, _copyVersion, restored);
        }
    }

    private static int ParseVersion(RedisValue value) =>
        int.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) ? version : 0;

    [LoggerMessage(1401, LogLevel.Warning, "Redis lost the cluster membership {Key}: restored {Rows} silo rows from this silo's copy (version {CopyVersion}) as version {Version}. Keep an append-only file on Redis so that a restart keeps membership.")]
    private static partial void Restored(ILogger logger, string key, int rows, int copyVersion, int version);

    // Once per membership change: which silos this silo could bring back if Redis lost the table now.
    [LoggerMessage(1403, LogLevel.Information, "Holding a copy of the cluster membership {Key} at version {Version}: {Rows} silo rows.")]
    private static partial void CopyTaken(ILogger logger, string key, int version, int rows);

    [LoggerMessage(1402, LogLevel.Debug, "Membership check against Redis failed: {Reason}; trying again at the next interval.")]
    private static partial void CheckFailed(ILogger logger, string reason);
}
