namespace OrleansLlmCache.Abstractions.Access;

/// <summary>
/// A silo refused a call because the caller's access key does not reach the tenant the call is for: the client
/// presented no key, a key the silos do not know, or a key for other tenants. The message names the tenant and the
/// setting to change (<c>LlmCache:Cluster:AccessKey</c> on the client, <c>LlmCache:Access:Keys</c> on the silos).
/// </summary>
/// <remarks>
/// A refusal is a configuration error, not an outage: the client library never turns it into a cache miss, so a wrong
/// key is seen at the first call instead of hiding behind origin calls.
/// </remarks>
[GenerateSerializer, Alias("llmcache.LlmCacheAccessDeniedException")]
public sealed class LlmCacheAccessDeniedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LlmCacheAccessDeniedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LlmCacheAccessDeniedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public LlmCacheAccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a call to <paramref name="tenant"/>.</summary>
    public LlmCacheAccessDeniedException(string message, string? tenant)
        : base(message) => Tenant = tenant;

    /// <summary>The tenant the refused call was for, or null when the call was refused whatever its tenant (a silo-internal method, or no key at all).</summary>
    [Id(0)]
    public string? Tenant { get; init; }
}
