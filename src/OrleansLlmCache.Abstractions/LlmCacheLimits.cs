namespace OrleansLlmCache.Abstractions;

/// <summary>
/// Hard limits every silo and client enforces. Requests beyond them are refused with an
/// <see cref="ArgumentException"/> that names the field.
/// </summary>
public static class LlmCacheLimits
{
    /// <summary>Largest response stored, in UTF-8 bytes: 1 MiB. LLM answers are rarely above 64 KiB.</summary>
    public const int MaxResponseBytes = 1024 * 1024;

    /// <summary>Longest key id: 256 characters.</summary>
    public const int MaxKeyLength = 256;

    /// <summary>Longest tenant name: 64 characters.</summary>
    public const int MaxTenantLength = 64;

    /// <summary>Longest namespace: 64 characters.</summary>
    public const int MaxNamespaceLength = 64;

    /// <summary>Longest model name: 256 characters.</summary>
    public const int MaxModelLength = 256;

    /// <summary>Longest tag: 128 characters.</summary>
    public const int MaxTagLength = 128;

    /// <summary>Most tags on one entry: 32.</summary>
    public const int MaxTagsPerEntry = 32;

    /// <summary>
    /// Most keys in one batched read (<see cref="Entries.IEntryReaderGrain.GetManyAsync"/>): 1,024. The client sends
    /// smaller batches; a larger one is refused so that no caller can make a silo build an unbounded response.
    /// </summary>
    public const int MaxKeysPerRead = 1024;

    /// <summary>Largest prompt accepted for hashing, in UTF-8 bytes: 4 MiB.</summary>
    public const int MaxPromptBytes = 4 * 1024 * 1024;

    /// <summary>Shortest time to live: 1 second.</summary>
    public static readonly TimeSpan MinTimeToLive = TimeSpan.FromSeconds(1);

    /// <summary>Longest time to live: 365 days. Use no time to live for entries that never expire.</summary>
    public static readonly TimeSpan MaxTimeToLive = TimeSpan.FromDays(365);

    /// <summary>Throws when <paramref name="timeToLive"/> is outside [<see cref="MinTimeToLive"/>, <see cref="MaxTimeToLive"/>].</summary>
    public static void ValidateTimeToLive(TimeSpan? timeToLive)
    {
        if (timeToLive is { } ttl && (ttl < MinTimeToLive || ttl > MaxTimeToLive))
        {
            throw new ArgumentOutOfRangeException(
                "timeToLive",
                ttl,
                $"The time to live must be between {MinTimeToLive.TotalSeconds:0} second and {MaxTimeToLive.TotalDays:0} days, or none for no expiry; got {ttl}.");
        }
    }

    /// <summary>
    /// Throws when a fail-safe duration (how long past its expiry an answer may still be served when the origin fails)
    /// is negative or longer than <see cref="MaxTimeToLive"/>.
    /// </summary>
    public static void ValidateFailSafeDuration(TimeSpan? failSafe)
    {
        if (failSafe is { } duration && (duration < TimeSpan.Zero || duration > MaxTimeToLive))
        {
            throw new ArgumentOutOfRangeException(
                "failSafe",
                duration,
                $"The fail-safe duration must be between 0 (off) and {MaxTimeToLive.TotalDays:0} days; got {duration}.");
        }
    }

    /// <summary>Most values in an embedding an application sends for semantic matching: 8,192.</summary>
    public const int MaxEmbeddingDimensions = 8192;

    /// <summary>Most dependencies on one entry: 32.</summary>
    public const int MaxDependenciesPerEntry = 32;

    /// <summary>Throws when a dependency name is empty, too long, or there are too many.</summary>
    public static void ValidateDependencies(IReadOnlyCollection<string>? dependencies)
    {
        if (dependencies is null)
        {
            return;
        }

        if (dependencies.Count > MaxDependenciesPerEntry)
        {
            throw new ArgumentException($"An entry declares at most {MaxDependenciesPerEntry} dependencies; got {dependencies.Count}.", nameof(dependencies));
        }

        foreach (var dependency in dependencies)
        {
            Keys.CacheKey.ValidatePart(dependency, "dependency", MaxTagLength);
        }
    }

    /// <summary>Throws when a tag is empty, too long, or there are too many.</summary>
    public static void ValidateTags(IReadOnlyCollection<string>? tags)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > MaxTagsPerEntry)
        {
            throw new ArgumentException($"An entry carries at most {MaxTagsPerEntry} tags; got {tags.Count}.", nameof(tags));
        }

        foreach (var tag in tags)
        {
            Keys.CacheKey.ValidatePart(tag, "tag", MaxTagLength);
        }
    }
}
