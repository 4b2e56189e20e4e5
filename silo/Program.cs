using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansLlmCache.Core.Secrets;
using OrleansLlmCache.Hosting.Startup;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddOrleansLlmCacheSiloConfigDirectory(); // first: every other part reads the settings it adds
    builder.AddOrleansLlmCacheSiloConsoleLogging();
    builder.AddOrleansLlmCacheSilo();
    builder.AddOrleansLlmCacheSiloWeb();
    builder.Services.AddOrleansLlmCacheGateway();
    var app = builder.Build();
    app.MapOrleansLlmCacheSiloEndpoints();
    app.MapOrleansLlmCacheGateway();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (LlmCacheStartupException.Find(ex) is { } startup)
{
    // A configuration or connectivity problem the operator can fix (an invalid or unconvertible setting, a taken port,
    // an unreachable backend): one line naming what to fix, no stack trace, and no password of a connection string.
    Console.Error.WriteLine($"error: {SecretRedaction.Redact(startup.Message)}");
    return 1;
}
