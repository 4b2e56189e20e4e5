using OrleansLlmCache.Abstractions.Access;

namespace OrleansLlmCache.Client.Hosting;

/// <summary>
/// Puts the app server's access key in the <c>RequestContext</c> of every call it makes to the cluster, where the silos
/// check it (<see cref="LlmCacheAccessKey.RequestContextKey"/>).
/// </summary>
/// <remarks>
/// Set inside an async method, so the entry does not outlive the call in the caller's own context: another Orleans
/// client of the process (another cluster's) never carries this key.
/// </remarks>
internal sealed class AccessKeyCallFilter(string accessKey) : IOutgoingGrainCallFilter
{
    /// <summary>The key every call carries.</summary>
    public string AccessKey { get; } = accessKey;

    public Task Invoke(IOutgoingGrainCallContext context) =>
        ReferenceEquals(RequestContext.Get(LlmCacheAccessKey.RequestContextKey), AccessKey) ? context.Invoke() : InvokeWithKeyAsync(context);

    private async Task InvokeWithKeyAsync(IOutgoingGrainCallContext context)
    {
        RequestContext.Set(LlmCacheAccessKey.RequestContextKey, AccessKey);
        await context.Invoke();
    }
}
