using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Statistics;

namespace OrleansLlmCache.Grains.Access;

/// <summary>
/// Cuts what grains shared by every tenant answer down to the tenants of the caller's key: the statistics grain's rows
/// and warming candidates, and the invalidation hub's broadcasts.
/// </summary>
internal static class TenantScope
{
    /// <summary>
    /// The caller's tenants' rows. Embedding costs, the chart history and the latency histograms are the cluster's as a
    /// whole (no tenant can be told apart in them), so a tenant's key gets none of them: histograms come back as zeros.
    /// </summary>
    public static ClusterStatistics Of(ClusterStatistics statistics, AccessGrant grant) => statistics with
    {
        Rows = [.. statistics.Rows.Where(r => r.Tenant is not null && grant.Allows(r.Tenant))],
        SemanticFeedback = [.. statistics.SemanticFeedback.Where(f => grant.Allows(f.Tenant))],
        HitHistogram = new long[statistics.HitHistogram.Count],
        MissHistogram = new long[statistics.MissHistogram.Count],
        Embedding = [],
        History = [],
    };

    /// <summary>The candidates of the caller's tenants (keys are <c>{tenant}/{namespace}/{id}</c>).</summary>
    public static IReadOnlyList<WarmingCandidate> Of(IReadOnlyList<WarmingCandidate> candidates, AccessGrant grant) =>
        [.. candidates.Where(c => grant.Allows(TenantOf(c.Key)))];

    /// <summary>
    /// What of a broadcast a subscriber whose key reaches <paramref name="tenants"/> receives: its tenants' versions and
    /// evictions, under the broadcast's own sequence number (so that its gap detection is unchanged).
    /// </summary>
    public static InvalidationMessage Of(InvalidationMessage message, string[] tenants) => new(
        message.Sequence,
        message.Versions.Where(v => IsOf(v.Key, tenants)).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
        [.. message.EvictedEntries.Where(e => IsOf(e, tenants))]);

    /// <summary>Whether a grain key (an entry's, a dependency key) belongs to one of <paramref name="tenants"/>.</summary>
    public static bool IsOf(string grainKey, string[] tenants)
    {
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        var tenant = slash < 0 ? grainKey.AsSpan() : grainKey.AsSpan(0, slash);
        foreach (var allowed in tenants)
        {
            if (tenant.SequenceEqual(allowed))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The tenant part of a grain key: everything before its first <c>/</c>, or the whole key (a tenant's own grain, such as its namespace registry).</summary>
    public static string TenantOf(string grainKey)
    {
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? grainKey : grainKey[..slash];
    }

    /// <summary>As <see cref="TenantOf(string)"/>, over a grain key's UTF-8 bytes.</summary>
    public static ReadOnlySpan<byte> TenantOf(ReadOnlySpan<byte> grainKey)
    {
        var slash = grainKey.IndexOf((byte)'/');
        return slash < 0 ? grainKey : grainKey[..slash];
    }
}
