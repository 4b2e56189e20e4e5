using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Testing;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Tracing;

/// <summary>
/// The silo program exports the spans of an app server's trace over OTLP: a local OTLP/HTTP receiver gets the silo's
/// spans of a get-or-create, under the trace id the app server started, and none of a trace nobody sampled.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SiloTraceExportTests
{
    private const string SourceName = "OrleansLlmCache.Tests.Export";
    private static readonly ActivitySource App = new(SourceName);

    [Fact]
    public async Task TheSilo_ExportsTheSpansOfTheAppServersTrace_OverOtlp()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var clusterId = "export-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string>
        {
            ["LlmCache__Silo__ClusterId"] = clusterId,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        await using var client = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, clusterId);
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SourceName, // not App: listeners are asked while App is being made
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        ActivityTraceId traceId;
        using (var request = App.StartActivity("request"))
        {
            Assert.NotNull(request);
            traceId = request.TraceId;
            var key = client.Cache.CreateKey(new PromptRequest($"Exported? {Guid.NewGuid():N}", "gpt-4", 0, 100));
            await client.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(new CachedResponse("yes", "gpt-4")));
        }

        var traceBytes = Convert.FromHexString(traceId.ToHexString());
        await Eventually.WaitUntilAsync(
            () => receiver.TraceExports.Any(body => body.AsSpan().IndexOf(traceBytes) >= 0),
            TimeSpan.FromSeconds(30),
            () => $"no OTLP trace export with trace id {traceId} in {receiver.TraceExports.Count} export(s)");
        Assert.Contains(receiver.TraceExports, body => body.AsSpan().IndexOf("ICacheEntryGrain"u8) >= 0);
    }

    /// <summary>An OTLP/HTTP endpoint that keeps the bodies of trace exports (protobuf, read as bytes).</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private OtlpReceiver(WebApplication app, string endpoint)
        {
            _app = app;
            Endpoint = endpoint;
        }

        public string Endpoint { get; }

        public ConcurrentQueue<byte[]> TraceExports { get; } = new();

        public static async Task<OtlpReceiver> StartAsync()
        {
            var port = FreePorts.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new OtlpReceiver(app, $"http://127.0.0.1:{port}");
            app.MapPost("/v1/traces", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                receiver.TraceExports.Enqueue(body.ToArray());
                return Results.Ok();
            });
            app.MapPost("/v1/{signal}", () => Results.Ok()); // metrics and logs: accepted, not kept
            await app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
