using OrleansLlmCache.Samples.AppHost;

// The whole local cluster from one command, `dotnet run --project samples/AppHost` on a machine with Docker (docs/aspire.md).
// The Aspire dashboard shows every project's logs, traces and metrics.
var builder = DistributedApplication.CreateBuilder(args);
AppModel.AddResources(builder);
builder.Build().Run();
