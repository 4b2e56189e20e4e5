using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Client.Chat;

/// <summary>
/// One cached chat pipeline per namespace in front of the same origin, built on first use: for code that replays or
/// warms requests of several prompt types (namespaces) through one origin.
/// </summary>
public sealed class NamespacedChatClients(ILlmCache cache, IChatClient origin, string? tenant = null)
{
    private readonly ConcurrentDictionary<string, IChatClient> _pipelines = new(StringComparer.Ordinal);

    /// <summary>The origin wrapped with the cache for <paramref name="namespace"/>.</summary>
    public IChatClient For(string @namespace) =>
        _pipelines.GetOrAdd(@namespace, ns => new ChatClientBuilder(origin).UseOrleansLlmCache(o => { o.Namespace = ns; o.Tenant = tenant; }, cache).Build());
}
