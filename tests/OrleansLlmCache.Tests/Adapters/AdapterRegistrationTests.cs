using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Client.Adapters;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>What <c>AddOrleansLlmCacheHybridCache()</c> and <c>AddOrleansLlmCacheDistributedCache()</c> register and check.</summary>
public sealed class AdapterRegistrationTests
{
    [Fact]
    public void Options_BindTheirConfigurationSections()
    {
        var services = WithConfiguration(new()
        {
            ["LlmCache:Client:HybridCache:Namespace"] = "catalog",
            ["LlmCache:Client:HybridCache:DefaultExpiration"] = "00:10:00",
            ["LlmCache:Client:HybridCache:DefaultFlags"] = "DisableUnderlyingData",
            ["LlmCache:Client:DistributedCache:Namespace"] = "sessions",
            ["LlmCache:Client:DistributedCache:Tenant"] = "acme",
        });
        services.AddOrleansLlmCacheHybridCache().AddOrleansLlmCacheDistributedCache();
        using var provider = services.BuildServiceProvider();

        var hybrid = provider.GetRequiredService<IOptions<LlmCacheHybridCacheOptions>>().Value;
        var distributed = provider.GetRequiredService<IOptions<LlmCacheDistributedCacheOptions>>().Value;
        Assert.Equal(("catalog", TimeSpan.FromMinutes(10), HybridCacheEntryFlags.DisableUnderlyingData), (hybrid.Namespace, hybrid.DefaultExpiration, hybrid.DefaultFlags));
        Assert.Equal(("sessions", "acme"), (distributed.Namespace, distributed.Tenant));
    }

    [Fact]
    public void InvalidSettings_AreRefusedNamingTheSetting()
    {
        var services = WithConfiguration([]);
        services.AddOrleansLlmCacheHybridCache(o =>
        {
            o.Namespace = "hybrid/values";
            o.DefaultExpiration = TimeSpan.FromMilliseconds(500);
        });
        services.AddOrleansLlmCacheDistributedCache(o => o.Tenant = "");
        using var provider = services.BuildServiceProvider();

        var hybrid = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LlmCacheHybridCacheOptions>>().Value);
        var distributed = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LlmCacheDistributedCacheOptions>>().Value);
        Assert.Contains("LlmCache:Client:HybridCache:Namespace", hybrid.Message, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Client:HybridCache:DefaultExpiration", hybrid.Message, StringComparison.Ordinal);
        Assert.Contains("LlmCache:Client:DistributedCache:Tenant", distributed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEarlierHybridCacheOrDistributedCache_IsReplaced()
    {
        var services = WithConfiguration([]);
        services.AddSingleton<HybridCache>(new UnusedHybridCache());
        services.AddSingleton<IDistributedCache>(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())));

        services.AddOrleansLlmCacheHybridCache().AddOrleansLlmCacheDistributedCache();

        Assert.Null(Assert.Single(services, d => d.ServiceType == typeof(HybridCache)).ImplementationInstance);
        Assert.Null(Assert.Single(services, d => d.ServiceType == typeof(IDistributedCache)).ImplementationInstance);
    }

    [Fact]
    public void WithoutTheCacheClient_ResolvingSaysWhatIsMissing()
    {
        var services = WithConfiguration([]);
        services.AddOrleansLlmCacheHybridCache().AddOrleansLlmCacheDistributedCache();
        using var provider = services.BuildServiceProvider();

        var hybrid = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<HybridCache>());
        var distributed = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IDistributedCache>());
        Assert.Equal("AddOrleansLlmCacheHybridCache() stores through the LLM cache client: call services.AddOrleansLlmCache() as well.", hybrid.Message);
        Assert.Contains("AddOrleansLlmCache()", distributed.Message, StringComparison.Ordinal);
    }

    private static ServiceCollection WithConfiguration(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        return services;
    }

    private sealed class UnusedHybridCache : HybridCache
    {
        public override ValueTask<T> GetOrCreateAsync<TState, T>(string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public override ValueTask SetAsync<T>(string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public override ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public override ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
