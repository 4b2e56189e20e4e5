namespace OrleansLlmCache.Abstractions.Model;

/// <summary>Converts <see cref="CacheEntry"/> to and from its wire form, <see cref="CacheEntrySurrogate"/>.</summary>
[RegisterConverter]
internal sealed class CacheEntrySurrogateConverter : IConverter<CacheEntry, CacheEntrySurrogate>
{
    public CacheEntry ConvertFromSurrogate(in CacheEntrySurrogate surrogate) => new(
        surrogate.Response,
        surrogate.CreatedAt,
        surrogate.ExpiresAt,
        surrogate.HitCount,
        surrogate.Tags,
        surrogate.Dependencies,
        surrogate.Versions,
        surrogate.LoadedFromStorage);

    public CacheEntrySurrogate ConvertToSurrogate(in CacheEntry value) => new()
    {
        Response = value.Response,
        CreatedAt = value.CreatedAt,
        ExpiresAt = value.ExpiresAt,
        HitCount = value.HitCount,
        Tags = value.Tags as string[] ?? value.Tags?.ToArray(),
        Dependencies = value.Dependencies as string[] ?? value.Dependencies?.ToArray(),
        Versions = value.Versions as Dictionary<string, long> ?? value.Versions?.ToDictionary(StringComparer.Ordinal),
        LoadedFromStorage = value.LoadedFromStorage,
    };
}
