using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Cli.Cluster;
using OrleansLlmCache.Cli.Origins;
using OrleansLlmCache.Cli.Output;
using OrleansLlmCache.Client.Chat;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache ask</c>: sends one prompt through the cache of a running cluster to an origin LLM.</summary>
internal static class AskCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        common.Prompt.Required = true;
        var origin = new OriginOptions();
        var command = new Command("ask", "Ask the origin LLM one question through the cache of a running cluster; a repeated question is answered from the cache.")
        {
            common.Prompt, common.Model, common.Temperature, common.MaxTokens, common.System, common.Tenant, common.Namespace,
        };
        common.AddClusterTo(command);
        origin.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var (originClient, modelOverride) = origin.Create(parse);
            var model = modelOverride ?? parse.GetValue(common.Model) ?? "gpt-4";
            var messages = new List<ChatMessage>();
            if (parse.GetValue(common.System) is { } system)
            {
                messages.Add(new ChatMessage(ChatRole.System, system));
            }

            messages.Add(new ChatMessage(ChatRole.User, parse.GetValue(common.Prompt)));
            var options = new ChatOptions { ModelId = model, Temperature = (float)parse.GetValue(common.Temperature) };
            if (parse.GetValue(common.MaxTokens) is > 0 and var maxTokens)
            {
                options.MaxOutputTokens = maxTokens;
            }

            await using var connection = await CacheConnection.ConnectAsync(
                common.ClusterOf(parse),
                o =>
                {
                    o.Tenant = parse.GetValue(common.Tenant)!;
                    o.Namespace = parse.GetValue(common.Namespace)!;
                },
                ct);
            using var chat = new ChatClientBuilder(originClient).UseOrleansLlmCache(cache: connection.Cache).Build();
            var started = Stopwatch.GetTimestamp();
            var response = await chat.GetResponseAsync(messages, options, ct);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var source = response.AdditionalProperties?.GetValueOrDefault(OrleansLlmCacheChatClient.SourceProperty)?.ToString() ?? "Origin";
            TerminalText.WriteAnswer(console, response.Text);
            console.MarkupLineInterpolated($"[grey]{source} in {elapsed.TotalMilliseconds:0.0} ms, model {response.ModelId ?? model}, {response.Usage?.InputTokenCount ?? 0} in / {response.Usage?.OutputTokenCount ?? 0} out tokens[/]");
            return 0;
        }));
        return command;
    }
}
