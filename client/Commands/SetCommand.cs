using System.CommandLine;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Cli.Cluster;
using OrleansLlmCache.Client.Caching;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache set</c>: stores a response in a running cluster.</summary>
internal static class SetCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var response = new Option<string?>("--response") { Description = "The response text to store (or --response-file for a long one)." };
        var responseFile = new Option<string?>("--response-file")
        {
            Description = "Read the response from this UTF-8 file, exactly as it is; - reads standard input. At most 1 MiB.",
        };
        var ttl = new Option<string>("--ttl") { Description = "Time to live: none, 90s, 15m, 24h, 7d or hh:mm:ss.", DefaultValueFactory = _ => "24h" };
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "Input tokens the origin charged." };
        var completionTokens = new Option<int>("--completion-tokens") { Description = "Output tokens the origin charged." };
        var tags = new Option<string[]>("--tag") { Description = "A tag to invalidate the entry by (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var dependencies = new Option<string[]>("--dependency") { Description = "A dependency the entry was built from, such as product-catalog (repeat for several)." };
        var command = new Command("set", "Store a response in a running cluster.") { response, responseFile, ttl, promptTokens, completionTokens, tags, dependencies };
        common.AddClusterTo(command);
        common.AddKeyTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var key = common.KeyOf(parse);
            var model = parse.GetValue(common.Model) ?? throw new CommandFailure("--model is required: it is stored with the response.");
            var content = (parse.GetValue(response), parse.GetValue(responseFile)) switch
            {
                ({ } text, null) => text,
                (null, { } path) => ResponseFile.Read(path),
                _ => throw new CommandFailure("Give the response with exactly one of --response TEXT or --response-file PATH (- for standard input)."),
            };
            var cached = new CachedResponse(content, model, parse.GetValue(promptTokens), parse.GetValue(completionTokens));
            cached.Validate();
            var timeToLive = CommonOptions.ParseTimeToLive(parse.GetValue(ttl)!);
            var entryOptions = new LlmCacheEntryOptions
            {
                TimeToLive = timeToLive,
                NoExpiry = timeToLive is null,
                Tags = parse.GetValue(tags) is { Length: > 0 } t ? t : null,
                Dependencies = parse.GetValue(dependencies) is { Length: > 0 } d ? d : null,
            };
            await using var connection = await CacheConnection.ConnectAsync(common.ClusterOf(parse), null, ct);
            var entry = await connection.Cache.SetAsync(key, cached, entryOptions, ct);
            var labels = string.Join(", ", (entry.Tags ?? []).Select(x => "tag " + x).Concat((entry.Dependencies ?? []).Select(x => "dependency " + x)));
            console.MarkupLineInterpolated($"stored {key} (expires {entry.ExpiresAt?.ToString("u") ?? "never"}{(labels.Length > 0 ? "; " + labels : string.Empty)})");
            return 0;
        }));
        return command;
    }
}
