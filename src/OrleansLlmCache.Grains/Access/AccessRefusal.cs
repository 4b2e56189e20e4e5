using OrleansLlmCache.Abstractions.Access;

namespace OrleansLlmCache.Grains.Access;

/// <summary>The refusals a client gets, each naming the tenant and the setting that would let the call through.</summary>
internal static class AccessRefusal
{
    private const string ClientSetting = "LlmCache:Cluster:AccessKey (LlmCacheClusterOptions.AccessKey; LLMCACHE_ACCESS_KEY or --access-key for the llmcache CLI)";

    /// <summary>The refusal of a call for a tenant by a client.</summary>
    /// <param name="tenant">The tenant the call is for; null for a call for no one tenant (the invalidation hub).</param>
    /// <param name="grant">What the client's key reaches; null when it sent none or one the silos do not know.</param>
    /// <param name="presented">Whether the client sent a key at all.</param>
    public static LlmCacheAccessDeniedException For(string? tenant, AccessGrant? grant, bool presented)
    {
        var what = tenant is null ? "Access to the cache cluster" : $"Access to tenant '{tenant}'";
        var message = grant switch
        {
            null when !presented =>
                $"{what} was refused: this client sent no access key, and the cluster requires one (its silos have LlmCache:Access:Keys). Configure the client's key in {ClientSetting}.",
            null =>
                $"{what} was refused: the client's access key is not one the silos know. Check {ClientSetting} against the SHA-256 hashes in the silos' LlmCache:Access:Keys (printf %s \"$KEY\" | sha256sum).",
            _ =>
                $"{what} was refused: the client's access key '{grant.Name}' reaches only {grant.Describe()}. Give this client a key for tenant '{tenant}' in {ClientSetting}, or add '{tenant}' to the Tenants of key '{grant.Name}' in the silos' LlmCache:Access:Keys.",
        };
        return new LlmCacheAccessDeniedException(message, tenant);
    }

    /// <summary>A method only silos call (membership shards, the semantic index's own grains, the hub's broadcasts).</summary>
    public static LlmCacheAccessDeniedException SiloInternal(string method) =>
        new($"{method} was refused: only the silos call it, never a client. A client reaches entries through ILlmCache (or ICacheEntryGrain, IEntryReaderGrain and the other grains ILlmCache calls).");

    /// <summary>A grain that is not the cache's (the runtime's own management grains, the dashboard's).</summary>
    public static LlmCacheAccessDeniedException OperatorOnly(string method) =>
        new($"{method} was refused: it is not one of the cache's client calls, and only an operator key (LlmCache:Access:Keys:N:Operator) may make it.");
}
