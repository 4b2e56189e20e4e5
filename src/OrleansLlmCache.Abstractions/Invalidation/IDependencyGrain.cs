namespace OrleansLlmCache.Abstractions.Invalidation;

/// <summary>The version of one dependency key (a tag, a declared dependency or a namespace), keyed by the <see cref="DependencyKey"/>.</summary>
[Alias("llmcache.IDependencyGrain")]
public interface IDependencyGrain : IGrainWithStringKey
{
    /// <summary>The current version (0 until the first invalidation).</summary>
    [Alias("GetVersion")]
    Task<long> GetVersionAsync();

    /// <summary>
    /// Bumps the version, broadcasts it and returns when every silo and app server has it; entries built against the
    /// old version miss from then on and are removed from storage (in the background, or, for a namespace whose storage
    /// indexes entries by namespace, before the call returns).
    /// </summary>
    [Alias("Invalidate")]
    Task<InvalidationResult> InvalidateAsync();
}
