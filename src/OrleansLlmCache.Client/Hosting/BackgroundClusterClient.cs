using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansLlmCache.Client.Hosting;

/// <summary>
/// An Orleans client that connects in the background, so that an app server starts (and answers from the origin,
/// failing open) even while the cache cluster is unreachable, and starts caching as soon as it connects. The client
/// lives in a private host; the app's container gets its <see cref="IClusterClient"/>, usable from the first moment
/// (calls before the connection fail, and the cache turns those into misses).
/// </summary>
internal sealed partial class BackgroundClusterClient : IHostedService, IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _connecting;

    public BackgroundClusterClient(Action<LlmCacheClusterOptions> configure, ILoggerFactory? loggerFactory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (loggerFactory is not null)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        }

        builder.UseOrleansClient(client => client.UseOrleansLlmCacheCluster(o =>
        {
            configure(o);
            o.ConnectAttempts = 0; // keep trying: the app is serving from the origin meanwhile
        }));
        _host = builder.Build();
        _logger = (loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger<BackgroundClusterClient>();
        Client = _host.Services.GetRequiredService<IClusterClient>();
    }

    public IClusterClient Client { get; }

    /// <summary>Whether the client has connected.</summary>
    public bool IsConnected { get; private set; }

    /// <summary>Completes when the client has connected (or the app stopped first).</summary>
    public Task Connected => _connecting ?? Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _connecting = Task.Run(async () =>
        {
            try
            {
                await _host.StartAsync(_stop.Token);
                IsConnected = true;
                LogConnected(_logger);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // The app stopped before the cluster was reachable.
            }
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_connecting is not null)
        {
            await _connecting;
        }

        await _host.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Dispose();
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }

    [LoggerMessage(2301, LogLevel.Information, "Connected to the LLM cache cluster; caching is on.")]
    private static partial void LogConnected(ILogger logger);
}
