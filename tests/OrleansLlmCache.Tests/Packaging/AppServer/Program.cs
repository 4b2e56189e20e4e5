// An app server with an embedded silo, built from the OrleansLlmCache packages alone. Prints one line per check:
// the cache's answer twice (a miss, then a hit), the embedding model's vector length, and what the client says about
// Redis membership without OrleansLlmCache.Client.Redis.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Embeddings.Embedding;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
builder.AddOrleansLlmCacheSilo(o =>
{
    o.SiloPort = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
    o.GatewayPort = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
    o.ClusterId = "packaging";
});
builder.Services.AddOrleansLlmCache(o => o.Tenant = "packaging");
using var host = builder.Build();
await host.StartAsync();

var cache = host.Services.GetRequiredService<ILlmCache>();
var key = cache.CreateKey(new PromptRequest("What is Orleans?", "gpt-4", 0, 100));
for (var i = 0; i < 2; i++)
{
    var result = await cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(new CachedResponse("A virtual actor framework.", "gpt-4")));
    Console.WriteLine($"source: {result.Source} {result.Response.Content}");
}

await using (var embedder = new OnnxTextEmbedder())
{
    Console.WriteLine($"embedding: {(await embedder.EmbedAsync("What is Orleans?")).Length}");
}

try
{
    Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true }).UseOrleansClient(client => client.UseOrleansLlmCacheCluster(o => o.RedisConnectionString = "redis:6379"));
    Console.WriteLine("redis: accepted");
}
catch (ArgumentException ex)
{
    Console.WriteLine($"redis: {ex.Message}");
}

await host.StopAsync();
