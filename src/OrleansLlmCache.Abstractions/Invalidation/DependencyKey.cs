using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Abstractions.Invalidation;

/// <summary>
/// Names of versioned things an entry depends on. Tags, declared dependencies and the entry's namespace are all
/// dependency keys with a version; invalidating one bumps its version, and every entry built against an older version
/// stops being served at once, on every silo and client, without touching the entries themselves.
/// </summary>
public static class DependencyKey
{
    /// <summary>The key of tag <paramref name="tag"/> in <paramref name="tenant"/>: <c>{tenant}/tag:{tag}</c>.</summary>
    public static string Tag(string tenant, string tag) => $"{tenant}/tag:{tag}";

    /// <summary>The key of dependency <paramref name="dependency"/>: <c>{tenant}/dep:{dependency}</c>.</summary>
    public static string Dependency(string tenant, string dependency) => $"{tenant}/dep:{dependency}";

    /// <summary>The key of namespace <paramref name="namespace"/>: <c>{tenant}/ns:{namespace}</c> (pattern invalidation bumps it).</summary>
    public static string Namespace(string tenant, string @namespace) => $"{tenant}/ns:{@namespace}";

    /// <summary>
    /// Reads a key written by <see cref="Namespace"/> back into its tenant and namespace; false for a tag's or a
    /// dependency's key (a tenant holds no <c>/</c>, so neither reads as a namespace's).
    /// </summary>
    public static bool TryReadNamespace(string key, out string tenant, out string @namespace)
    {
        ArgumentNullException.ThrowIfNull(key);
        const string Marker = "/ns:";
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && string.CompareOrdinal(key, slash, Marker, 0, Marker.Length) == 0)
        {
            tenant = key[..slash];
            @namespace = key[(slash + Marker.Length)..];
            return true;
        }

        tenant = @namespace = "";
        return false;
    }

    /// <summary>Every dependency key of an entry: its namespace, its tags and its dependencies.</summary>
    public static List<string> Of(CacheKey key, IEnumerable<string>? tags, IEnumerable<string>? dependencies)
    {
        var keys = new List<string> { Namespace(key.Tenant, key.Namespace) };
        keys.AddRange((tags ?? []).Distinct(StringComparer.Ordinal).Select(t => Tag(key.Tenant, t)));
        keys.AddRange((dependencies ?? []).Distinct(StringComparer.Ordinal).Select(d => Dependency(key.Tenant, d)));
        return keys;
    }
}
