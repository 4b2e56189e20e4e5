using System.Security.Claims;

namespace OrleansLlmCache.Gateway.Authentication;

/// <summary>Who is calling, as the API key says: the tenant (never taken from the request) and the namespaces it may use.</summary>
/// <param name="Tenant">The key's tenant; <see langword="null"/> in the development mode (the cache's configured tenant).</param>
/// <param name="Namespaces">Names or <c>prefix*</c> patterns; empty means any namespace of the tenant.</param>
/// <param name="KeyName">The key's name, for logs.</param>
internal sealed record GatewayCaller(string? Tenant, IReadOnlyList<string> Namespaces, string KeyName)
{
    public const string TenantClaim = "llmcache:tenant";
    public const string NamespaceClaim = "llmcache:namespace";

    /// <summary>Present when the gateway key came in <c>x-llmcache-api-key</c>: then <c>Authorization</c> is the caller's own provider key.</summary>
    public const string KeyHeaderClaim = "llmcache:key-header";

    /// <summary>
    /// True when the caller presented its gateway key in <c>x-llmcache-api-key</c>, so that its <c>Authorization</c>
    /// header, if any, is its own provider key (which an upstream with <c>PassCallerKey</c> receives).
    /// </summary>
    public bool KeyInHeader { get; init; }

    public static GatewayCaller From(ClaimsPrincipal user) => new(
        user.FindFirst(TenantClaim)?.Value,
        user.FindAll(NamespaceClaim).Select(c => c.Value).ToList(),
        user.Identity?.Name ?? "(unnamed)")
    {
        KeyInHeader = user.HasClaim(c => c.Type == KeyHeaderClaim),
    };

    /// <summary>
    /// The namespace of a request that asked for <paramref name="requested"/> (the <c>x-llmcache-namespace</c> header),
    /// or the reason it may not use it.
    /// </summary>
    public bool TryResolveNamespace(string? requested, out string? @namespace, out string? refusal)
    {
        refusal = null;
        @namespace = string.IsNullOrEmpty(requested) ? null : requested;
        if (Namespaces.Count == 0)
        {
            return true;
        }

        if (@namespace is null)
        {
            @namespace = Namespaces.FirstOrDefault(n => !n.EndsWith('*'));
            if (@namespace is null)
            {
                refusal = $"This API key may use the namespaces {string.Join(", ", Namespaces)}: name one in the x-llmcache-namespace header.";
                return false;
            }

            return true;
        }

        var name = @namespace;
        if (Namespaces.Any(n => n.EndsWith('*') ? name.StartsWith(n[..^1], StringComparison.Ordinal) : n == name))
        {
            return true;
        }

        refusal = $"This API key may not use the namespace '{name}'; it may use {string.Join(", ", Namespaces)}.";
        return false;
    }
}
