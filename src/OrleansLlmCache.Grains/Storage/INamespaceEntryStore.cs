namespace OrleansLlmCache.Grains.Storage;

/// <summary>
/// A capability of the grain storage in use: it indexes cache entries by namespace, so it finds and removes the entries
/// of an invalidated namespace itself. A storage that does registers one (PostgreSQL); where none is registered (memory
/// storage), entries keep a membership of their namespace key, as they do of their tags, and invalidation drains it.
/// </summary>
internal interface INamespaceEntryStore
{
    /// <summary>
    /// Removes the stored entries of <paramref name="namespace"/> in <paramref name="tenant"/> that were built against a
    /// version of the namespace older than <paramref name="version"/>.
    /// </summary>
    /// <returns>How many of the removed entries were live (not expired), and the other memberships they held.</returns>
    Task<NamespaceRemoval> RemoveOutdatedAsync(string tenant, string @namespace, long version, CancellationToken cancellationToken);
}
