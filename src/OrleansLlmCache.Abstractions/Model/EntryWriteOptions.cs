namespace OrleansLlmCache.Abstractions.Model;

/// <summary>What a write declares about the entry besides its response.</summary>
/// <param name="TimeToLive">How long it lives; <see langword="null"/> means no expiry.</param>
/// <param name="Tags">Tags to invalidate it by.</param>
/// <param name="Dependencies">Dependencies it was built from ("product-catalog", a document id).</param>
/// <param name="FailSafe">
/// How long past its expiry the entry is kept, to be served when the origin fails (<see cref="LeaseStatus.Stale"/>);
/// <see langword="null"/> or zero: not kept past its expiry.
/// </param>
/// <param name="Versions">
/// Dependency versions read when the computation began (from the lease). When given, the entry is built against these
/// rather than the versions at store time, so a write that began before an invalidation cannot bring the old answer back.
/// </param>
[GenerateSerializer, Immutable, Alias("llmcache.EntryWriteOptions")]
public sealed record EntryWriteOptions(
    [property: Id(0)] TimeSpan? TimeToLive,
    [property: Id(1)] IReadOnlyList<string>? Tags = null,
    [property: Id(2)] IReadOnlyList<string>? Dependencies = null,
    [property: Id(3)] IReadOnlyDictionary<string, long>? Versions = null,
    [property: Id(4)] TimeSpan? FailSafe = null)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming what is not valid.</summary>
    public void Validate()
    {
        LlmCacheLimits.ValidateTimeToLive(TimeToLive);
        LlmCacheLimits.ValidateTags(Tags);
        LlmCacheLimits.ValidateDependencies(Dependencies);
        LlmCacheLimits.ValidateFailSafeDuration(FailSafe);
    }
}
