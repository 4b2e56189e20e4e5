namespace OrleansLlmCache.Grains.Hosting;

/// <summary>
/// The cache's clock is a keyed <see cref="TimeProvider"/> so that tests can fake the cache's time (expiry, leases)
/// without also faking the time the Orleans runtime itself runs on.
/// </summary>
public static class LlmCacheTime
{
    /// <summary>The DI service key of the cache's <see cref="TimeProvider"/>.</summary>
    public const string ServiceKey = "OrleansLlmCache";
}
