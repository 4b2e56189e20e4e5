using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLlmCache.Gateway.Options;
using OrleansLlmCache.Gateway.Upstreams;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>The choice of an upstream by model, and the checks of <c>LlmCache:Gateway:Upstreams</c>, without a server.</summary>
public sealed class GatewayUpstreamUnitTests
{
    [Fact]
    public void Validator_NamesEveryBadUpstreamSetting()
    {
        var options = new LlmCacheGatewayOptions
        {
            Upstreams =
            [
                new GatewayModelUpstreamOptions { Timeout = TimeSpan.Zero },
                new GatewayModelUpstreamOptions { BaseUrl = "ftp://models.example", Models = ["claude-*", "bad*pattern", " "] },
                new GatewayModelUpstreamOptions { BaseUrl = "http://claude3.example/v1", Models = ["claude-3*"] },
            ],
        };

        var failures = new LlmCacheGatewayOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:Upstreams:0:BaseUrl is missing", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:Upstreams:0:Timeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:Upstreams:0:Models is empty", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:Upstreams:1:BaseUrl is 'ftp://models.example'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:Upstreams:1:Models:1 is 'bad*pattern'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:Upstreams:1:Models:2 is empty", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:Upstreams:2:Models:0 is 'claude-3*', which LlmCache:Gateway:Upstreams:1:Models:0 ('claude-*') already routes", StringComparison.Ordinal));
        Assert.Equal(7, failures.Count);
    }

    [Fact]
    public void Upstreams_BindFromConfiguration_AndTheDefaultUpstreamHasNoModels()
    {
        var bound = Bind(new()
        {
            ["LlmCache:Gateway:Upstream:BaseUrl"] = "https://api.openai.com/v1",
            ["LlmCache:Gateway:Upstreams:0:Models:0"] = "claude-*",
            ["LlmCache:Gateway:Upstreams:0:BaseUrl"] = "https://api.anthropic.com/v1",
            ["LlmCache:Gateway:Upstreams:0:ApiKey"] = "sk-ant",
            ["LlmCache:Gateway:Upstreams:0:Timeout"] = "00:00:30",
        });

        var entry = Assert.Single(bound.Upstreams);
        Assert.Equal(["claude-*"], entry.Models);
        Assert.Equal(TimeSpan.FromSeconds(30), entry.Timeout);
        Assert.True(new LlmCacheGatewayOptionsValidator().Validate(null, bound).Succeeded);

        var error = Assert.Throws<InvalidOperationException>(() => Bind(new() { ["LlmCache:Gateway:Upstream:Models:0"] = "gpt-*" }));
        Assert.Contains("Models", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_TakesTheFirstMatchingEntry_ThenTheDefault()
    {
        var upstreams = Upstreams(new LlmCacheGatewayOptions
        {
            Upstream = { BaseUrl = "http://default.example/v1" },
            Upstreams =
            [
                new GatewayModelUpstreamOptions { BaseUrl = "http://exact.example/v1", Models = ["llama3.1"] },
                new GatewayModelUpstreamOptions { BaseUrl = "http://prefix.example/v1", Models = ["claude-*", "llama*"] },
            ],
        });

        Assert.Equal("http://exact.example/v1", upstreams.Route("llama3.1")?.BaseUrl);
        Assert.Equal("http://prefix.example/v1", upstreams.Route("llama3.1-70b")?.BaseUrl);
        Assert.Equal("http://prefix.example/v1", upstreams.Route("claude-sonnet-4")?.BaseUrl);
        Assert.Equal("http://default.example/v1", upstreams.Route("Claude-sonnet-4")?.BaseUrl); // case-sensitive, as providers name models
        Assert.Equal("http://default.example/v1", upstreams.Route("gpt-4o")?.BaseUrl);
        Assert.Equal(["LlmCache:Gateway:Upstreams:0", "LlmCache:Gateway:Upstreams:1", "LlmCache:Gateway:Upstream"], upstreams.All.Select(u => u.Setting));
    }

    [Fact]
    public void Route_WithoutADefault_FindsNothingForAnUnnamedModel()
    {
        var upstreams = Upstreams(new LlmCacheGatewayOptions
        {
            Upstreams = [new GatewayModelUpstreamOptions { BaseUrl = "http://claude.example/v1", Models = ["claude-*"] }],
        });

        Assert.Null(upstreams.Route("gpt-4o"));
        Assert.Null(upstreams.Default);
        Assert.NotNull(upstreams.Route("claude-x"));
    }

    private static LlmCacheGatewayOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new LlmCacheGatewayOptions();
        configuration.GetSection(LlmCacheGatewayOptions.SectionName).Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        return options;
    }

    private static GatewayUpstreams Upstreams(LlmCacheGatewayOptions options) =>
        new(Microsoft.Extensions.Options.Options.Create(options),
            new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>(),
            NullLogger<GatewayUpstream>.Instance);
}
