using System.Diagnostics;

namespace OrleansLlmCache.Core.Diagnostics;

/// <summary>
/// The cache's spans: one <see cref="ActivitySource"/> for app servers and silos alike, and the names of the attributes
/// they carry. Nothing is created unless a listener (an OpenTelemetry tracer provider with this source) asks for it, so
/// an app server that does not trace pays one check per operation.
/// </summary>
internal static class LlmCacheActivity
{
    /// <summary>The name to give <c>AddSource</c>.</summary>
    public const string SourceName = "OrleansLlmCache";

    public static readonly ActivitySource Source = new(SourceName, typeof(LlmCacheActivity).Assembly.GetName().Version?.ToString(3));

    /// <summary>The tenant of the entry.</summary>
    public const string Tenant = "llmcache.tenant";

    /// <summary>The namespace of the entry.</summary>
    public const string Namespace = "llmcache.namespace";

    /// <summary>The key's id: the request's SHA-256 for keys made from a request (never the prompt), or the application's id.</summary>
    public const string KeyId = "llmcache.key.id";

    /// <summary>Where the answer came from: hit, coalesced, origin, origin_cache_unavailable, semantic_hit, stale; miss for a plain read.</summary>
    public const string AnswerSource = "llmcache.source";

    /// <summary>Which layer answered a hit: l1, silo, storage, coalesced, semantic, stale.</summary>
    public const string Layer = "llmcache.layer";

    /// <summary>The cosine similarity of a semantic hit, or of the best candidate a semantic lookup found.</summary>
    public const string SemanticScore = "llmcache.semantic.score";

    /// <summary>Whether the precision guard refused the nearest candidate above the threshold (not why: that quotes the prompts).</summary>
    public const string SemanticRefused = "llmcache.semantic.refused";

    /// <summary>How many texts an embedding call embedded.</summary>
    public const string EmbeddedTexts = "llmcache.embedding.texts";

    /// <summary>The model of the cached or origin answer (OpenTelemetry's GenAI conventions).</summary>
    public const string ResponseModel = "gen_ai.response.model";

    /// <summary>The model the request asked for (OpenTelemetry's GenAI conventions).</summary>
    public const string RequestModel = "gen_ai.request.model";

    /// <summary>The kind of GenAI operation: chat, embeddings (OpenTelemetry's GenAI conventions).</summary>
    public const string OperationName = "gen_ai.operation.name";

    /// <summary>
    /// The innermost span of this source around the caller, or <see langword="null"/>: an Orleans call span may have
    /// been started in between (grain calls made with activity propagation on are spans of their own).
    /// </summary>
    public static Activity? Current
    {
        get
        {
            for (var activity = Activity.Current; activity is not null; activity = activity.Parent)
            {
                if (ReferenceEquals(activity.Source, Source))
                {
                    return activity;
                }
            }

            return null;
        }
    }

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="exception"/> (status, error.type, and an exception event).</summary>
    public static void Fail(Activity activity, Exception exception)
    {
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag("error.type", exception.GetType().FullName);
        activity.AddException(exception);
    }
}
