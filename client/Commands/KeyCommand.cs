using System.CommandLine;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Commands;

/// <summary><c>llmcache key</c>: prints the five-field key of a request, as the article's Python create_cache_key computes it.</summary>
internal static class KeyCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        common.Prompt.Required = true;
        common.Model.Required = true;
        var showJson = new Option<bool>("--show-json") { Description = "Also print the canonical JSON that is hashed." };
        var command = new Command(
            "key",
            "Print the key of a prompt request: the SHA-256 of Python's json.dumps({prompt, model, temperature, max_tokens, system_prompt}, sort_keys=True).")
        {
            common.Prompt, common.Model, common.Temperature, common.MaxTokens, common.System, showJson,
        };
        command.SetAction(parse => CommandRunner.RunAsync(console, () =>
        {
            var request = common.RequestOf(parse);
            if (parse.GetValue(showJson))
            {
                console.Profile.Out.Writer.WriteLine(request.ToCanonicalJson());
            }

            console.Profile.Out.Writer.WriteLine(request.ComputeHash());
            return Task.FromResult(0);
        }));
        return command;
    }
}
