using Microsoft.Extensions.Hosting;
using OrleansLlmCache.Grains.Hosting;

try
{
    var builder = Host.CreateApplicationBuilder(args);
    builder.AddOrleansLlmCacheSilo();
    await builder.Build().RunAsync();
    return 0;
}
catch (Exception ex) when (LlmCacheStartupException.Find(ex) is { } startup)
{
    // A configuration or connectivity problem the operator can fix: one sentence, no stack trace.
    Console.Error.WriteLine($"error: {startup.Message}");
    return 1;
}
