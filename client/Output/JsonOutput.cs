using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Output;

/// <summary>
/// <c>--json</c>: a command's result as one JSON document on standard output, camelCase field names that stay stable
/// (docs list them), written as it is: no markup, no wrapping, nothing else on the line.
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The option every command that can answer in JSON takes.</summary>
    public static System.CommandLine.Option<bool> CreateOption() =>
        new("--json") { Description = "Write the result as JSON, with stable field names (see docs/cli.md), instead of tables." };

    public static void Write(IAnsiConsole console, object value) =>
        console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value, value.GetType(), Options));
}
