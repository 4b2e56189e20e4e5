using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Client.Diagnostics;

namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>An app server that asks one question twice through the chat middleware, and misses both times.</summary>
public static class ChatMisses
{
    /// <summary>
    /// Connects an app server to <paramref name="silo"/> (recording missed requests for warming or not), asks
    /// <paramref name="question"/> of model <c>gpt-4</c> in namespace <c>support</c> twice with the answer removed in
    /// between, and flushes its statistics to the cluster before it stops.
    /// </summary>
    /// <returns>The key the question missed under.</returns>
    public static async Task<CacheKey> MissTwiceAsync(TcpSilo silo, string question, bool recordForWarming)
    {
        ChatOptions options = new() { ModelId = "gpt-4" };
        ChatMessage[] messages = [new(ChatRole.User, question)];
        await using var app = await ClientHost.ConnectToGatewayAsync(silo.GatewayPort, silo.ClusterId, configure: o =>
        {
            o.L1Enabled = false;
            o.RecordMissedRequestsForWarming = recordForWarming;
        });
        var chat = new ChatClientBuilder(new TestChatClient()).UseOrleansLlmCache(o => o.Namespace = "support", app.Cache).Build();
        var key = app.Cache.CreateKey(ChatCacheKey.TryCompute(messages, options, "test-model", out _)!, @namespace: "support");
        for (var i = 0; i < 2; i++)
        {
            await chat.GetResponseAsync(messages, options);
            await app.Cache.RemoveAsync(key);
        }

        // Reports go every 5 s and when the app server stops; flush now.
        await app.Services.GetServices<IHostedService>().OfType<StatisticsReporter>().Single().FlushAsync();
        return key;
    }
}
