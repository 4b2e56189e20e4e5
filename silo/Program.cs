using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddOrleansLlmCacheSilo();
await builder.Build().RunAsync();
