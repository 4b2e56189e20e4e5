using System.CommandLine;
using OrleansLlmCache.Cli.Cluster;
using OrleansLlmCache.Cli.Output;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache get</c>: shows one entry of a running cluster.</summary>
internal static class GetCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var json = JsonOutput.CreateOption();
        var command = new Command("get", "Show a cached entry of a running cluster (exit code 3 when there is none).") { json };
        common.AddClusterTo(command);
        common.AddKeyTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var key = common.KeyOf(parse);
            await using var connection = await CacheConnection.ConnectAsync(common.ClusterOf(parse), null, ct);
            var entry = await connection.Cache.GetAsync(key, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console, entry is null
                    ? new { key = key.ToGrainKey(), found = false }
                    : new
                    {
                        key = key.ToGrainKey(),
                        found = true,
                        model = entry.Response.Model,
                        promptTokens = entry.Response.PromptTokens,
                        completionTokens = entry.Response.CompletionTokens,
                        contentType = entry.Response.ContentType,
                        createdAt = entry.CreatedAt,
                        expiresAt = entry.ExpiresAt,
                        hitCount = entry.HitCount,
                        tags = entry.Tags ?? [],
                        dependencies = entry.Dependencies ?? [],
                        response = entry.Response.Content,
                    });
                return entry is null ? ExitCodes.NotFound : ExitCodes.Ok;
            }

            if (entry is null)
            {
                console.MarkupLineInterpolated($"[yellow]miss:[/] no live entry for {key}");
                return ExitCodes.NotFound;
            }

            var table = new Table().HideHeaders().AddColumn("field").AddColumn("value");
            table.AddRow("key", Markup.Escape(key.ToString()));
            table.AddRow("model", Markup.Escape(TerminalText.Escape(entry.Response.Model)));
            table.AddRow("tokens", $"{entry.Response.PromptTokens} in, {entry.Response.CompletionTokens} out");
            table.AddRow("created", entry.CreatedAt.ToString("u"));
            table.AddRow("expires", entry.ExpiresAt?.ToString("u") ?? "never");
            table.AddRow("hits", entry.HitCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("content type", Markup.Escape(TerminalText.Escape(entry.Response.ContentType)));
            console.Write(table);
            TerminalText.WriteAnswer(console, entry.Response.Content);
            return 0;
        }));
        return command;
    }
}
