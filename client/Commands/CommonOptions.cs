using System.CommandLine;
using System.Globalization;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Cli.Cluster;

namespace OrleansLlmCache.Cli.Commands;

/// <summary>Options several commands share: where the cluster is, and which entry is meant.</summary>
internal sealed class CommonOptions
{
    public Option<string> Gateway { get; } = new("--gateway")
    {
        Description = "The cluster's gateway as host:port (a silo started with `dotnet run --project silo` listens on 127.0.0.1:30000).",
        DefaultValueFactory = _ => "127.0.0.1:30000",
    };

    public Option<string?> Redis { get; } = new("--redis")
    {
        Description = "Find the cluster through its Redis membership (such as 127.0.0.1:6379) instead of --gateway. Default: the LLMCACHE_REDIS environment variable.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("LLMCACHE_REDIS"),
    };

    public Option<string> ClusterId { get; } = new("--cluster-id") { Description = "The cluster id.", DefaultValueFactory = _ => "llmcache-dev" };

    public Option<string> ServiceId { get; } = new("--service-id") { Description = "The service id.", DefaultValueFactory = _ => "llmcache" };

    public Option<string?> AccessKey { get; } = new("--access-key")
    {
        Description = "The access key for silos that enforce tenant access (LlmCache:Access:Keys); an operator key reaches every tenant. Default: the LLMCACHE_ACCESS_KEY environment variable, which keeps the key out of the process list and the shell history.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("LLMCACHE_ACCESS_KEY") is { Length: > 0 } key ? key : null,
    };

    public Option<string> Tenant { get; } = new("--tenant") { Description = "The tenant.", DefaultValueFactory = _ => "default" };

    public Option<string> Namespace { get; } = new("--namespace") { Description = "The namespace inside the tenant.", DefaultValueFactory = _ => "default" };

    public Option<string?> Key { get; } = new("--key") { Description = "The entry's id (a 64-digit hash or your own id). Or give the request with --prompt and --model." };

    public Option<string?> Prompt { get; } = new("--prompt") { Description = "The prompt (the key is computed from it and the fields below)." };

    public Option<string?> Model { get; } = new("--model") { Description = "The model name." };

    public Option<double> Temperature { get; } = new("--temperature") { Description = "The temperature.", DefaultValueFactory = _ => 0.0 };

    public Option<int> MaxTokens { get; } = new("--max-tokens") { Description = "The completion token limit.", DefaultValueFactory = _ => 0 };

    public Option<string?> System { get; } = new("--system") { Description = "The system prompt (omit for none, which hashes as \"\" like Python's default)." };

    public void AddClusterTo(Command command)
    {
        command.Options.Add(Gateway);
        command.Options.Add(Redis);
        command.Options.Add(ClusterId);
        command.Options.Add(ServiceId);
        command.Options.Add(AccessKey);
    }

    public void AddKeyTo(Command command)
    {
        command.Options.Add(Tenant);
        command.Options.Add(Namespace);
        command.Options.Add(Key);
        command.Options.Add(Prompt);
        command.Options.Add(Model);
        command.Options.Add(Temperature);
        command.Options.Add(MaxTokens);
        command.Options.Add(System);
    }

    public ClusterAddress ClusterOf(ParseResult parse) =>
        ClusterAddress.Parse(parse.GetValue(Gateway)!, parse.GetValue(Redis), parse.GetValue(ClusterId)!, parse.GetValue(ServiceId)!) with { AccessKey = parse.GetValue(AccessKey) };

    /// <summary>The entry meant by --key, or by the five request fields.</summary>
    public CacheKey KeyOf(ParseResult parse)
    {
        var tenant = parse.GetValue(Tenant)!;
        var ns = parse.GetValue(Namespace)!;
        var id = parse.GetValue(Key);
        var prompt = parse.GetValue(Prompt);
        if (id is not null && prompt is not null)
        {
            throw new CommandFailure("Give either --key or --prompt (with --model), not both.");
        }

        if (id is not null)
        {
            var key = new CacheKey(tenant, ns, id);
            key.Validate();
            return key;
        }

        return prompt is null
            ? throw new CommandFailure("Say which entry: --key ID, or --prompt P --model M [--temperature T --max-tokens N --system S].")
            : RequestOf(parse).ToCacheKey(tenant, ns);
    }

    public PromptRequest RequestOf(ParseResult parse)
    {
        var model = parse.GetValue(Model) ?? throw new CommandFailure("--model is required with --prompt.");
        var request = new PromptRequest(parse.GetValue(Prompt) ?? string.Empty, model, parse.GetValue(Temperature), parse.GetValue(MaxTokens), parse.GetValue(System));
        request.Validate();
        return request;
    }

    /// <summary>Reads a time to live: <c>none</c>, <c>90s</c>, <c>15m</c>, <c>24h</c>, <c>7d</c>, or a TimeSpan such as <c>01:30:00</c>.</summary>
    public static TimeSpan? ParseTimeToLive(string text)
    {
        text = text.Trim();
        if (text.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            var unit = text[^1] switch
            {
                's' => TimeSpan.TicksPerSecond,
                'm' => TimeSpan.TicksPerMinute,
                'h' => TimeSpan.TicksPerHour,
                'd' => TimeSpan.TicksPerDay,
                _ => 0L,
            };
            if (unit > 0)
            {
                // 1e309 parses as infinity; TimeSpan ends near 29 000 years. Either is a typo, not a duration.
                var ticks = amount * unit;
                return double.IsFinite(ticks) && Math.Abs(ticks) < TimeSpan.MaxValue.Ticks
                    ? Keepable(text, TimeSpan.FromTicks((long)ticks))
                    : throw new CommandFailure($"--ttl '{text}' is not a duration the cache can keep; the longest is 365d (or none for no expiry).");
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span)
            ? Keepable(text, span)
            : throw new CommandFailure($"--ttl '{text}' is not a duration; use none, 90s, 15m, 24h, 7d or hh:mm:ss.");
    }

    // Checked here, before any connection: a time to live the cache would refuse is the command line's mistake.
    private static TimeSpan Keepable(string text, TimeSpan span) =>
        span >= LlmCacheLimits.MinTimeToLive && span <= LlmCacheLimits.MaxTimeToLive
            ? span
            : throw new CommandFailure($"--ttl '{text}' is not a duration the cache can keep: give 1s to 365d, or none for no expiry.");
}
