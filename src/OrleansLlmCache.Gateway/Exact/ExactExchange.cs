using Microsoft.AspNetCore.Http;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Gateway.Upstreams;

namespace OrleansLlmCache.Gateway.Exact;

/// <summary>One exact-key request's state across the factory and the code that answers it.</summary>
internal sealed class ExactExchange(HttpContext context, GatewayUpstream upstream, CacheKey key, byte[] body, bool stream)
{
    public HttpContext Context { get; } = context;

    public GatewayUpstream Upstream { get; } = upstream;

    public CacheKey Key { get; } = key;

    public byte[] Body { get; } = body;

    /// <summary>Whether the request asks for server-sent events (<c>"stream": true</c>).</summary>
    public bool Stream { get; } = stream;

    /// <summary>The upstream's whole answer, when this request's own factory asked for it and did not stream it.</summary>
    public byte[]? OwnAnswer { get; set; }

    /// <summary>True once this request's own factory started streaming the upstream's answer to it.</summary>
    public bool Streamed { get; set; }
}
