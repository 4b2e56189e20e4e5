using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Storage.PostgreSql.Options;
using OrleansLlmCache.Storage.PostgreSql.Storage;
using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace OrleansLlmCache.Hosting.Startup;

/// <summary>
/// Starts before the silo (it is registered ahead of Orleans' hosted service): reaches Redis and PostgreSQL with a
/// bounded retry and creates or upgrades the schema, so that a wrong address or a stopped server is reported in one
/// sentence instead of as a failure deep inside Orleans' membership or storage start-up.
/// </summary>
internal sealed partial class BackendPreflight(LlmCacheSiloOptions options, IServiceProvider services, ILogger<BackendPreflight> logger)
    : IHostedService
{
    /// <summary>
    /// How long one attempt to reach Redis may take. With the delays between attempts (1, 2, then 3 s) five attempts
    /// give up after about 14 s, whether the server refuses connections or never answers.
    /// </summary>
    internal static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // One attempt is no retry at all: Polly refuses a retry strategy of zero retries.
        var builder = new ResiliencePipelineBuilder();
        var retry = options.StartupConnectAttempts <= 1 ? builder.Build() : builder
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.StartupConnectAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(3),
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not LlmCacheStartupException and not NewerSchemaException and not OperationCanceledException),
                OnRetry = args =>
                {
                    Retrying(logger, args.AttemptNumber + 1, FirstLine(args.Outcome.Exception?.Message ?? "unknown"));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

        if (options.Clustering == ClusteringMode.Redis)
        {
            await CheckRedisAsync(retry, cancellationToken);
        }

        if (options.Storage == StorageMode.PostgreSQL)
        {
            await MigratePostgresAsync(retry, cancellationToken);
        }
    }

    private async Task CheckRedisAsync(ResiliencePipeline retry, CancellationToken cancellationToken)
    {
        var configuration = ConfigurationOptions.Parse(options.RedisConnectionString!);
        configuration.AbortOnConnectFail = true;

        // One connect per attempt, bounded: with the client's defaults (three connects of up to five seconds each) an
        // attempt took up to 15 s, and five attempts about a minute instead of the documented 15 s.
        configuration.ConnectRetry = 1;
        configuration.ConnectTimeout = (int)AttemptTimeout.TotalMilliseconds;
        try
        {
            await retry.ExecuteAsync(
                async _ =>
                {
                    await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
                    await redis.GetDatabase().PingAsync();
                },
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new LlmCacheStartupException(
                $"Redis at {string.Join(", ", configuration.EndPoints)} is unreachable after {options.StartupConnectAttempts} attempts: check ConnectionStrings:Redis and that the server is running.",
                ex);
        }
    }

    private async Task MigratePostgresAsync(ResiliencePipeline retry, CancellationToken cancellationToken)
    {
        // Registered by UsePostgresLlmCacheStorage, and checked by its validator before hosted services start.
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var target = new NpgsqlConnectionStringBuilder(services.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.ConnectionString);
        int before;
        try
        {
            before = await retry.ExecuteAsync(async ct => await PostgresSchemaMigrator.MigrateAsync(dataSource, ct), cancellationToken);
        }
        catch (NewerSchemaException ex)
        {
            throw new LlmCacheStartupException(ex.Message, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not LlmCacheStartupException)
        {
            throw new LlmCacheStartupException(
                $"PostgreSQL at {target.Host}:{target.Port} (database {target.Database}) is unreachable or refused the schema after {options.StartupConnectAttempts} attempts ({FirstLine(ex.Message)}): check ConnectionStrings:PostgreSQL and that the server is running.",
                ex);
        }

        SchemaReady(logger, before, PostgresSchemaMigrator.LatestVersion);
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    [LoggerMessage(1301, LogLevel.Warning, "Start-up check, attempt {Attempt} failed: {Reason}; retrying.")]
    private static partial void Retrying(ILogger logger, int attempt, string reason);

    [LoggerMessage(1302, LogLevel.Information, "PostgreSQL schema ready: version {Before} -> {After}.")]
    private static partial void SchemaReady(ILogger logger, int before, int after);
}
