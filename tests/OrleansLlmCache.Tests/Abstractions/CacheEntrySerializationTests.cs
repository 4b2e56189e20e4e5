using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Tests.Abstractions;

/// <summary>A cluster hit carries a <see cref="CacheEntry"/>: it must round-trip whole and without type names on the wire.</summary>
public sealed class CacheEntrySerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(CacheEntry).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    [Fact]
    public void CacheEntry_RoundTripsEveryField()
    {
        var entry = new CacheEntry(
            new CachedResponse("The answer.", "gpt-4o", 12, 34, CachedResponse.PlainText),
            new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 27, 7, 0, 0, TimeSpan.Zero),
            HitCount: 5,
            Tags: new List<string> { "docs", "faq" },
            Dependencies: new List<string> { "kb:42" },
            Versions: new Dictionary<string, long>(StringComparer.Ordinal) { ["tag:docs"] = 3, ["ns:acme/support"] = 1 },
            LoadedFromStorage: true);

        var copy = Serializer.Deserialize<CacheEntry>(Serializer.SerializeToArray(entry))!;

        Assert.Equal(entry.Response, copy.Response);
        Assert.Equal(entry.CreatedAt, copy.CreatedAt);
        Assert.Equal(entry.ExpiresAt, copy.ExpiresAt);
        Assert.Equal(5, copy.HitCount);
        Assert.Equal(["docs", "faq"], copy.Tags);
        Assert.Equal(["kb:42"], copy.Dependencies);
        Assert.Equal(3, copy.Versions!["tag:docs"]);
        Assert.Equal(1, copy.Versions["ns:acme/support"]);
        Assert.True(copy.LoadedFromStorage);
    }

    [Fact]
    public void PromptRequest_RoundTripsItsSystemPrompt()
    {
        // SystemPrompt is a hand-written property (it normalises null to ""): the generated codec must still carry it.
        var request = new OrleansLlmCache.Abstractions.Keys.PromptRequest("p", "gpt-4", 0.7, 5, "Be brief.");

        Assert.Equal(request, Serializer.Deserialize<OrleansLlmCache.Abstractions.Keys.PromptRequest>(Serializer.SerializeToArray(request)));
        Assert.Equal("", Serializer.Deserialize<OrleansLlmCache.Abstractions.Keys.PromptRequest>(Serializer.SerializeToArray(request with { SystemPrompt = "" }))!.SystemPrompt);
    }

    [Fact]
    public void CacheEntry_WithoutOptionalFields_RoundTrips()
    {
        var entry = new CacheEntry(new CachedResponse("x", "m"), DateTimeOffset.UnixEpoch, ExpiresAt: null, HitCount: 0);

        var copy = Serializer.Deserialize<CacheEntry>(Serializer.SerializeToArray(entry))!;

        Assert.Null(copy.ExpiresAt);
        Assert.Null(copy.Tags);
        Assert.Null(copy.Versions);
        Assert.Equal("x", copy.Response.Content);
    }

    [Fact]
    public void CacheEntry_OnTheWire_CarriesNoCollectionTypeNames()
    {
        // Interface-typed collections made Orleans write (and the reader parse) a type name in every hit's response.
        var entry = new CacheEntry(
            new CachedResponse("x", "m"),
            DateTimeOffset.UnixEpoch,
            null,
            0,
            new List<string> { "t" },
            new List<string>(),
            new Dictionary<string, long>(StringComparer.Ordinal) { ["ns:a/b"] = 1 });

        var wire = Encoding.UTF8.GetString(Serializer.SerializeToArray(entry));

        Assert.DoesNotContain("List", wire, StringComparison.Ordinal);
        Assert.DoesNotContain("Dictionary", wire, StringComparison.Ordinal);
    }
}
