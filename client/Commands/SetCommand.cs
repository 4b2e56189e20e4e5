using System.CommandLine;
using OrleansLlmCache.Cli.Cluster;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Model;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache set</c>: stores a response in a running cluster.</summary>
internal static class SetCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var response = new Option<string>("--response") { Description = "The response text to store.", Required = true };
        var ttl = new Option<string>("--ttl") { Description = "Time to live: none, 90s, 15m, 24h, 7d or hh:mm:ss.", DefaultValueFactory = _ => "24h" };
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "Input tokens the origin charged." };
        var completionTokens = new Option<int>("--completion-tokens") { Description = "Output tokens the origin charged." };
        var command = new Command("set", "Store a response in a running cluster.") { response, ttl, promptTokens, completionTokens };
        common.AddClusterTo(command);
        common.AddKeyTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var key = common.KeyOf(parse);
            var model = parse.GetValue(common.Model) ?? throw new CommandFailure("--model is required: it is stored with the response.");
            var cached = new CachedResponse(parse.GetValue(response)!, model, parse.GetValue(promptTokens), parse.GetValue(completionTokens));
            cached.Validate();
            var timeToLive = CommonOptions.ParseTimeToLive(parse.GetValue(ttl)!);
            var entryOptions = timeToLive is { } t ? LlmCacheEntryOptions.Expiring(t) : LlmCacheEntryOptions.NeverExpire;
            await using var connection = await CacheConnection.ConnectAsync(common.ClusterOf(parse), null, ct);
            var entry = await connection.Cache.SetAsync(key, cached, entryOptions, ct);
            console.MarkupLineInterpolated($"stored {key} (expires {entry.ExpiresAt?.ToString("u") ?? "never"})");
            return 0;
        }));
        return command;
    }
}
