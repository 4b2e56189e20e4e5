using System.Diagnostics;

namespace OrleansLlmCache.Client.Hosting;

/// <summary>
/// Carries the caller's trace context (W3C <c>traceparent</c>, <c>tracestate</c> and baggage, in the
/// <c>RequestContext</c>, where Orleans' own propagation puts them) with every call to the cluster, so that the silos'
/// spans continue the app server's trace.
/// </summary>
/// <remarks>
/// Orleans' client-side propagation (<c>AddActivityPropagation</c>) injects the context only when someone listens to the
/// source of its client spans; for the cache's grains that is <c>Microsoft.Orleans.Runtime</c> (their namespaces start
/// with "Orleans"), whose other spans an app server would not want. This filter needs no listener: it passes on the
/// current span, the cache operation's. Orleans' filter, where an app server turns it on, overwrites the entries with its
/// own client span when it runs after this one. Not an async method: the runtime restores the caller's
/// <c>RequestContext</c> after its filters (see <see cref="AccessKeyCallFilter"/>).
/// </remarks>
internal sealed class TraceContextCallFilter(DistributedContextPropagator propagator) : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (Activity.Current is { } current && RequestContext.Get("traceparent") is null)
        {
            propagator.Inject(current, carrier: null, static (_, key, value) => RequestContext.Set(key, value));
        }

        return context.Invoke();
    }
}
