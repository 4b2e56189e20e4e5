namespace OrleansLlmCache.Client.Caching;

/// <summary>Where the answer to a get-or-create call came from.</summary>
public enum LlmCacheSource
{
    /// <summary>A live entry in the cluster.</summary>
    Hit,

    /// <summary>Another caller's origin call for the same key, which this call waited for (single-flight).</summary>
    Coalesced,

    /// <summary>This call's own origin call, after a miss; the response is now cached.</summary>
    Origin,

    /// <summary>The origin, because the cluster could not be reached in time (fail open); nothing was cached.</summary>
    OriginCacheUnavailable,

    /// <summary>A live entry of a similar prompt in the same scope (<see cref="LlmCacheResult.Semantic"/> says which, and how close).</summary>
    SemanticHit,

    /// <summary>
    /// The origin failed (or is throttled after failing a moment ago) and the entry's last answer, expired at most the
    /// fail-safe duration ago, was served instead (<see cref="LlmCacheOptions.FailSafeMaxDuration"/>).
    /// </summary>
    Stale,
}
