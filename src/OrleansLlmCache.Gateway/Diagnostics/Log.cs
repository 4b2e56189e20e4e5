using Microsoft.Extensions.Logging;

namespace OrleansLlmCache.Gateway.Diagnostics;

/// <summary>The gateway's log messages; event ids are unique in this assembly (a test checks).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "The LLM cache gateway has no API keys (LlmCache:Gateway:ApiKeys): development mode, serving callers on this machine only, as the cache's configured tenant. Listening on {Addresses}.")]
    public static partial void DevelopmentMode(ILogger logger, string addresses);

    [LoggerMessage(2, LogLevel.Warning, "The LLM cache gateway has no API keys (LlmCache:Gateway:ApiKeys) and listens beyond loopback ({Addresses}): every request is refused with 401 until keys are configured.")]
    public static partial void NoKeysNotLoopback(ILogger logger, string addresses);

    [LoggerMessage(3, LogLevel.Information, "The LLM cache gateway forwards misses of {Models} to {Upstream} ({Setting}).")]
    public static partial void UpstreamConfigured(ILogger logger, string models, string upstream, string setting);

    [LoggerMessage(4, LogLevel.Warning, "The LLM cache gateway has no upstream (LlmCache:Gateway:Upstream:BaseUrl, LlmCache:Gateway:Upstreams): /v1/chat/completions, /v1/embeddings and /v1/models answer 503; the cache API works.")]
    public static partial void NoUpstream(ILogger logger);

    [LoggerMessage(5, LogLevel.Debug, "Not cached ({Reason}): the request is forwarded as it is.")]
    public static partial void NotCacheable(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Warning, "The upstream {Setting} at {Upstream} could not be reached: {Reason}")]
    public static partial void UpstreamUnreachable(ILogger logger, string setting, string upstream, string reason);

    [LoggerMessage(7, LogLevel.Warning, "The cached answer under {Key} could not be read ({Problem}): asking the upstream instead.")]
    public static partial void StoredAnswerUnreadable(ILogger logger, string key, string problem);

    [LoggerMessage(8, LogLevel.Warning, "The upstream's answer for {Key} was not stored: {Reason}")]
    public static partial void NotStored(ILogger logger, string key, string reason);

    [LoggerMessage(9, LogLevel.Warning, "The upstream {Setting} at {Upstream} gave no model list ({Failure}: {Detail}); GET /v1/models leaves it out and names it.")]
    public static partial void ModelsUpstreamFailed(ILogger logger, string setting, string upstream, string failure, string detail);

    [LoggerMessage(10, LogLevel.Information, "The LLM cache gateway has no default upstream (LlmCache:Gateway:Upstream:BaseUrl): models that no entry of LlmCache:Gateway:Upstreams names answer 503.")]
    public static partial void NoDefaultUpstream(ILogger logger);

    [LoggerMessage(11, LogLevel.Error, "The cache cluster refused this gateway's call for tenant {Tenant}: {Reason}")]
    public static partial void ClusterAccessDenied(ILogger logger, string tenant, string reason);
}
