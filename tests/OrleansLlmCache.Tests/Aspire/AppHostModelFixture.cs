using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLlmCache.Samples.AppHost;

namespace OrleansLlmCache.Tests.Aspire;

/// <summary>
/// The sample AppHost's app model, built once with the AppHost's own <see cref="AppModel.AddResources"/> but never
/// started: no container runtime is needed. Not through the AppHost's entry point with Aspire.Hosting.Testing: its
/// <c>Run()</c> goes on when the model is disposed and waits 30 seconds for an orchestrator that cannot start here.
/// </summary>
public sealed class AppHostModelFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    public DistributedApplicationModel Model => _app!.Services.GetRequiredService<DistributedApplicationModel>();

    public IResource Resource(string name) => Model.Resources.Single(r => r.Name == name);

    /// <summary>
    /// The environment of <paramref name="name"/> as the publish step renders it: a reference reads as the expression
    /// it resolves from (<c>{redis.connectionString}</c>), so nothing has to run to give it a value.
    /// </summary>
    public async Task<Dictionary<string, string>> EnvironmentOfAsync(string name)
    {
        var context = new DistributedApplicationExecutionContext(new DistributedApplicationExecutionContextOptions(DistributedApplicationOperation.Publish) { Services = _app!.Services });
        var configuration = await ExecutionConfigurationBuilder.Create(Resource(name)).WithEnvironmentVariablesConfig().BuildAsync(context, NullLogger.Instance, CancellationToken.None);
        Assert.Null(configuration.Exception);
        return configuration.EnvironmentVariables.ToDictionary(e => e.Key, e => e.Value);
    }

    public Task InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = [],
            AssemblyName = typeof(AppModel).Assembly.GetName().Name,
            DisableDashboard = true,
        });
        AppModel.AddResources(builder);
        _app = builder.Build();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
