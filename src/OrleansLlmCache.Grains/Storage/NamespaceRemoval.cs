namespace OrleansLlmCache.Grains.Storage;

/// <summary>What <see cref="INamespaceEntryStore.RemoveOutdatedAsync"/> removed.</summary>
/// <param name="Live">Removed entries that had not expired: the invalidation's <c>EntriesReached</c>.</param>
/// <param name="Memberships">
/// The tag and dependency keys each removed entry was a member of, for the invalidation to take the entries off those
/// memberships (as an entry that removes itself does).
/// </param>
internal sealed record NamespaceRemoval(long Live, IReadOnlyList<(string Entry, string DependencyKey)> Memberships);
