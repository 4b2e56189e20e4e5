using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenAI;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Samples.AppServer;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

// The cluster from ConnectionStrings:llmcache, which the AppHost's WithReference sets (Redis membership and the
// cluster's ids); the app starts and answers from the origin even before the silos are up.
builder.AddOrleansLlmCache("llmcache", configure: o => o.Tenant = "sample");

// OpenAI when a key is configured (OpenAI:ApiKey, a user secret or an AppHost parameter), a simulated model otherwise.
builder.Services.AddChatClient(services =>
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        return configuration["OpenAI:ApiKey"] is { Length: > 0 } apiKey
            ? new OpenAIClient(apiKey).GetChatClient(configuration["OpenAI:Model"] ?? "gpt-4o-mini").AsIChatClient()
            : new SimulatedOriginChatClient(TimeSpan.FromMilliseconds(800));
    })
    .UseOrleansLlmCache(o => o.Namespace = "ask");

var app = builder.Build();
app.MapDefaultEndpoints();

app.MapPost("/ask", async (AskRequest request, IChatClient chat, CancellationToken cancellationToken) =>
{
    if (string.IsNullOrWhiteSpace(request.Question))
    {
        return Results.Problem(detail: "question must be a non-empty string.", statusCode: StatusCodes.Status400BadRequest);
    }

    var started = Stopwatch.GetTimestamp();
    var response = await chat.GetResponseAsync(request.Question, cancellationToken: cancellationToken);
    var source = response.AdditionalProperties?.TryGetValue(OrleansLlmCacheChatClient.SourceProperty, out var value) == true ? value?.ToString() : null;
    return Results.Ok(new AskResponse(response.Text, source ?? "Origin", Stopwatch.GetElapsedTime(started).TotalMilliseconds));
});

app.MapGet("/", () => Results.Text("POST /ask with {\"question\": \"...\"}: the answer, and whether it came from the cache.\n"));

app.Run();
