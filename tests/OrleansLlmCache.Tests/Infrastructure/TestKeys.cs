using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>Unique keys so that tests sharing a cluster never meet.</summary>
public static class TestKeys
{
    public static CacheKey Unique(string @namespace = "tests") => new("tests", @namespace, "t" + Guid.NewGuid().ToString("N"));
}
