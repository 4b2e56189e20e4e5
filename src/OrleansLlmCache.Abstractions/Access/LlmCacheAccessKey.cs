namespace OrleansLlmCache.Abstractions.Access;

/// <summary>How a client's access key travels to the silos.</summary>
public static class LlmCacheAccessKey
{
    /// <summary>
    /// The <c>RequestContext</c> entry that carries the key with every call of a client configured with one. The silos
    /// check it and remove it before the call runs, so it never travels further (to other grains or to observers).
    /// </summary>
    public const string RequestContextKey = "llmcache-access-key";
}
