using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Warming;

/// <summary>
/// A miss through the chat middleware records its request (the prompt) for warming only where
/// <see cref="LlmCacheOptions.RecordMissedRequestsForWarming"/> is on: by default the statistics grain gets miss counts
/// per key and nothing of the prompt.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MissRecordingTests
{
    private const string Question = "What is the refund policy for annual plans?";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AMissThroughTheMiddleware_IsCounted_AndRecordsItsRequestOnlyWithRecordingOn(bool record)
    {
        var clusterId = "rec-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await TcpSilo.StartAsync(clusterId);
        var key = await ChatMisses.MissTwiceAsync(silo, Question, recordForWarming: record);

        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        var candidate = Assert.Single(await grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).GetCandidatesAsync(new CandidateQuery(1)));
        Assert.Equal(key.ToGrainKey(), candidate.Key);
        Assert.Equal(2, candidate.Misses); // counted either way: candidates are listed
        if (record)
        {
            Assert.Contains(Question, candidate.Request, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(candidate.Request);
        }
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void Recording_IsOffByDefault_AndConfigurationAloneTurnsItOn(string? configured, bool expected)
    {
        using var services = Services(configured, warming: false);

        Assert.Equal(expected, services.GetRequiredService<IOptions<LlmCacheOptions>>().Value.RecordMissedRequestsForWarming);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    public void AddOrleansLlmCacheWarming_TurnsRecordingOn_WhateverTheConfigurationSays(string? configured)
    {
        using var services = Services(configured, warming: true);

        Assert.True(services.GetRequiredService<IOptions<LlmCacheOptions>>().Value.RecordMissedRequestsForWarming);
    }

    private static ServiceProvider Services(string? configured, bool warming)
    {
        var settings = new Dictionary<string, string?>();
        if (configured is not null)
        {
            settings["LlmCache:Client:RecordMissedRequestsForWarming"] = configured; // the key docs/configuration.md and the CLI name
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        if (warming)
        {
            // Registered before AddOrleansLlmCache on purpose: the order must not matter.
            services.AddOrleansLlmCacheWarming(_ => new TestChatClient());
        }

        services.AddOrleansLlmCache();
        return services.BuildServiceProvider();
    }
}
