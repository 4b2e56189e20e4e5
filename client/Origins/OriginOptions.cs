using System.ClientModel;
using System.CommandLine;
using Microsoft.Extensions.AI;
using OpenAI;
using OrleansLlmCache.Cli.Commands;

namespace OrleansLlmCache.Cli.Origins;

/// <summary>Options that choose the origin LLM: the simulated one, or a real OpenAI-compatible endpoint.</summary>
internal sealed class OriginOptions
{
    public Option<string> Origin { get; } = new("--origin")
    {
        Description = "The origin LLM: 'simulated' (no network, realistic latency and tokens) or 'openai' (any OpenAI-compatible endpoint).",
        DefaultValueFactory = _ => "simulated",
    };

    public Option<string?> BaseUrl { get; } = new("--base-url") { Description = "The OpenAI-compatible endpoint, such as https://api.openai.com/v1 or http://localhost:11434/v1." };

    public Option<string?> OriginModel { get; } = new("--origin-model") { Description = "The model to ask at the endpoint (replaces the request's model)." };

    public Option<string> ApiKeyVariable { get; } = new("--api-key-env")
    {
        Description = "The environment variable that holds the endpoint's API key.",
        DefaultValueFactory = _ => "OPENAI_API_KEY",
    };

    public Option<double> LatencyScale { get; } = new("--latency-scale")
    {
        Description = "Multiplies the simulated origin's latency (1 = realistic 2-5 s answers; 0.01 for a quick run).",
        DefaultValueFactory = _ => 1.0,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Origin);
        command.Options.Add(BaseUrl);
        command.Options.Add(OriginModel);
        command.Options.Add(ApiKeyVariable);
        command.Options.Add(LatencyScale);
    }

    /// <summary>
    /// The origin chosen on the command line, and the model every request must name when it is a real endpoint (the
    /// cache keys on the model actually asked, so the override is applied before the cache, not behind it).
    /// </summary>
    public (IChatClient Client, string? ModelOverride) Create(ParseResult parse)
    {
        switch (parse.GetValue(Origin))
        {
            case "simulated":
                var scale = parse.GetValue(LatencyScale);
                return scale is < 0 or > 100
                    ? throw new CommandFailure($"--latency-scale must be between 0 and 100; got {scale}.")
                    : (new SimulatedOrigin(scale), null);
            case "openai":
                var baseUrl = parse.GetValue(BaseUrl) ?? throw new CommandFailure("--origin openai needs --base-url, such as https://api.openai.com/v1.");
                var model = parse.GetValue(OriginModel) ?? throw new CommandFailure("--origin openai needs --origin-model, such as gpt-4o-mini.");
                var variable = parse.GetValue(ApiKeyVariable)!;
                var apiKey = Environment.GetEnvironmentVariable(variable);
                if (string.IsNullOrEmpty(apiKey))
                {
                    throw new CommandFailure($"Set the endpoint's API key in the environment variable {variable} (or name another with --api-key-env).");
                }

                return (CreateOpenAi(baseUrl, model, apiKey), model);
            case var other:
                throw new CommandFailure($"--origin '{other}' is not known; use 'simulated' or 'openai'.");
        }
    }

    /// <summary>An <see cref="IChatClient"/> for the <paramref name="model"/> of an OpenAI-compatible chat-completions endpoint.</summary>
    public static IChatClient CreateOpenAi(string baseUrl, string model, string apiKey)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new CommandFailure($"--base-url '{baseUrl}' is not an http(s) URL.");
        }

        var client = new OpenAIClient(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = endpoint });
        return client.GetChatClient(model).AsIChatClient();
    }
}
