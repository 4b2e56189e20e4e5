using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansLlmCache.Tests.Aspire;

/// <summary>
/// The sample AppHost's app model, built once as <c>dotnet run --project samples/AppHost</c> builds it but never
/// started: no container runtime is needed.
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

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrleansLlmCache_Samples_AppHost>();
        _app = await builder.BuildAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
