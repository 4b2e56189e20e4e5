using Orleans.Concurrency;

namespace OrleansLlmCache.Abstractions.Invalidation;

/// <summary>The version of one dependency key (a tag, a declared dependency or a namespace), keyed by the <see cref="DependencyKey"/>.</summary>
[Alias("llmcache.IDependencyGrain")]
public interface IDependencyGrain : IGrainWithStringKey
{
    /// <summary>
    /// The current stored version (0 until the first invalidation). Answered while an invalidation is in flight (a
    /// namespace's row removal may take seconds), never with a bump that is not yet stored.
    /// </summary>
    [Alias("GetVersion"), AlwaysInterleave]
    Task<long> GetVersionAsync();

    /// <summary>
    /// Bumps the version, broadcasts it and returns when every silo and app server has it; entries built against the
    /// old version miss from then on and are removed from storage (in the background, or, for a namespace whose storage
    /// indexes entries by namespace, before the call returns).
    /// </summary>
    [Alias("Invalidate")]
    Task<InvalidationResult> InvalidateAsync();
}
