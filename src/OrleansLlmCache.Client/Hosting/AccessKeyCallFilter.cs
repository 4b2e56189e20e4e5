using OrleansLlmCache.Abstractions.Access;

namespace OrleansLlmCache.Client.Hosting;

/// <summary>
/// Puts the app server's access key in the <c>RequestContext</c> of every call it makes to the cluster, where the silos
/// check it (<see cref="LlmCacheAccessKey.RequestContextKey"/>).
/// </summary>
/// <remarks>
/// Not an async method, which would cost a state machine on every call: the runtime calls its filters from an async
/// method of its own, which restores the caller's <c>RequestContext</c> when it returns, so the entry set here reaches
/// this call's message and nothing else (not the app's next call to another Orleans cluster; a test checks).
/// </remarks>
internal sealed class AccessKeyCallFilter(string accessKey) : IOutgoingGrainCallFilter
{
    /// <summary>The key every call carries.</summary>
    public string AccessKey { get; } = accessKey;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (!ReferenceEquals(RequestContext.Get(LlmCacheAccessKey.RequestContextKey), AccessKey))
        {
            RequestContext.Set(LlmCacheAccessKey.RequestContextKey, AccessKey);
        }

        return context.Invoke();
    }
}
