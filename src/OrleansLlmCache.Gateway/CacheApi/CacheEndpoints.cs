using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Gateway.Authentication;
using OrleansLlmCache.Gateway.Http;
using OrleansLlmCache.Gateway.Options;

namespace OrleansLlmCache.Gateway.CacheApi;

/// <summary>
/// The plain cache API, the article's <c>get</c> / <c>set</c> / <c>invalidate</c> for any language: entries by key (an
/// application id, or the 64-hex key of <c>create_cache_key</c>), invalidation by tag, dependency or namespace pattern,
/// and the cluster statistics. Every call acts in the API key's tenant; the namespace comes from <c>x-llmcache-namespace</c>.
/// </summary>
internal static class CacheEndpoints
{
    // A member named twice is refused: which of the two counts would otherwise depend on the reader.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowDuplicateProperties = false };

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("cache/entries/{key}", GetAsync);
        group.MapPut("cache/entries/{key}", PutAsync);
        group.MapDelete("cache/entries/{key}", DeleteAsync);
        group.MapPost("cache/invalidate", InvalidateAsync);
        group.MapGet("cache/stats", StatsAsync);
        group.MapPost("cache/semantic-feedback", SemanticFeedbackAsync);
    }

    private static async Task GetAsync(HttpContext context, string key)
    {
        if (await KeyAsync(context, key) is not { } cacheKey)
        {
            return;
        }

        var entry = await Cache(context).GetAsync(cacheKey, context.RequestAborted);
        if (entry is null)
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status404NotFound, $"No live entry under '{key}' in this namespace.", OpenAiErrors.InvalidRequest, "not_found");
            return;
        }

        await WriteAsync(context, Describe(cacheKey, entry));
    }

    private static async Task PutAsync(HttpContext context, string key)
    {
        if (await KeyAsync(context, key) is not { } cacheKey)
        {
            return;
        }

        var maxBytes = context.RequestServices.GetRequiredService<IOptions<LlmCacheGatewayOptions>>().Value.MaxRequestBytes;
        if (await RequestBody.ReadOrRefuseAsync(context, maxBytes) is not { } body)
        {
            return;
        }

        EntryBody? put;
        try
        {
            put = JsonSerializer.Deserialize<EntryBody>(body, Json);
        }
        catch (JsonException ex)
        {
            await OpenAiErrors.BadRequestAsync(context, $"The body is not the JSON of an entry ({ex.Message}): send {{\"response\": \"...\", \"model\": \"gpt-4\"}}.", "invalid_json");
            return;
        }

        if (put?.Response is null)
        {
            await OpenAiErrors.BadRequestAsync(context, "The body is missing 'response': send {\"response\": \"the answer text\", \"model\": \"gpt-4\"}.");
            return;
        }

        try
        {
            var response = new CachedResponse(put.Response, put.Model ?? "unknown", put.PromptTokens ?? 0, put.CompletionTokens ?? 0, put.ContentType ?? CachedResponse.PlainText);
            var options = new LlmCacheEntryOptions
            {
                TimeToLive = put.TtlSeconds is { } ttl ? TimeToLive(ttl) : null,
                Tags = put.Tags,
                Dependencies = put.Dependencies,
            };
            var entry = await Cache(context).SetAsync(cacheKey, response, options, context.RequestAborted);
            await WriteAsync(context, Describe(cacheKey, entry));
        }
        catch (ArgumentException ex)
        {
            await OpenAiErrors.BadRequestAsync(context, Sentence(ex), param: Param(ex));
        }
    }

    // TimeSpan.FromSeconds overflows far below double's range (1e300 would be a 500): anything past the longest time to
    // live is refused as too long, naming the field.
    private static TimeSpan TimeToLive(double seconds) => seconds <= LlmCacheLimits.MaxTimeToLive.TotalSeconds + 1
        ? TimeSpan.FromSeconds(Math.Max(seconds, -1))
        : throw new ArgumentOutOfRangeException(
            "ttlSeconds",
            $"ttlSeconds is {seconds}; the longest time to live is {LlmCacheLimits.MaxTimeToLive.TotalSeconds:0} seconds (365 days). Leave it out for no expiry.");

    private static async Task DeleteAsync(HttpContext context, string key)
    {
        if (await KeyAsync(context, key) is not { } cacheKey)
        {
            return;
        }

        var removed = await Cache(context).RemoveAsync(cacheKey, context.RequestAborted);
        await WriteAsync(context, new JsonObject { ["key"] = cacheKey.Id, ["namespace"] = cacheKey.Namespace, ["removed"] = removed });
    }

    private static async Task InvalidateAsync(HttpContext context)
    {
        var caller = GatewayCaller.From(context.User);
        var maxBytes = context.RequestServices.GetRequiredService<IOptions<LlmCacheGatewayOptions>>().Value.MaxRequestBytes;
        if (await RequestBody.ReadOrRefuseAsync(context, maxBytes) is not { } body)
        {
            return;
        }

        InvalidateBody? request;
        try
        {
            request = JsonSerializer.Deserialize<InvalidateBody>(body, Json);
        }
        catch (JsonException ex)
        {
            await OpenAiErrors.BadRequestAsync(context, $"The body is not JSON ({ex.Message}): send {{\"tag\": \"...\"}}, {{\"dependency\": \"...\"}} or {{\"pattern\": \"content:*\"}}.", "invalid_json");
            return;
        }

        var given = new[] { request?.Tag, request?.Dependency, request?.Pattern }.Count(v => v is not null);
        if (given != 1)
        {
            await OpenAiErrors.BadRequestAsync(context, "Send exactly one of 'tag', 'dependency' or 'pattern' (a namespace, a prefix such as content:*, or *).");
            return;
        }

        if (request!.Pattern is { } pattern && caller.Namespaces.Count > 0 && !caller.TryResolveNamespace(pattern.TrimEnd('*'), out _, out _))
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, $"This API key may not invalidate '{pattern}'; it may use {string.Join(", ", caller.Namespaces)}.", OpenAiErrors.Permission, "namespace_not_allowed");
            return;
        }

        try
        {
            var cache = Cache(context);
            var result = request switch
            {
                { Tag: { } tag } => await cache.InvalidateTagAsync(tag, caller.Tenant, context.RequestAborted),
                { Dependency: { } dependency } => await cache.InvalidateDependencyAsync(dependency, caller.Tenant, context.RequestAborted),
                _ => await cache.InvalidatePatternAsync(request.Pattern!, caller.Tenant, context.RequestAborted),
            };
            await WriteAsync(context, Describe(result));
        }
        catch (ArgumentException ex)
        {
            await OpenAiErrors.BadRequestAsync(context, Sentence(ex), param: Param(ex));
        }
    }

    // {"hit_id": "...", "correct": false}: whether a semantic hit served from this gateway answered its prompt.
    private static async Task SemanticFeedbackAsync(HttpContext context)
    {
        var caller = GatewayCaller.From(context.User);
        var maxBytes = context.RequestServices.GetRequiredService<IOptions<LlmCacheGatewayOptions>>().Value.MaxRequestBytes;
        if (await RequestBody.ReadOrRefuseAsync(context, maxBytes) is not { } body)
        {
            return;
        }

        JsonObject? request;
        try
        {
            request = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
        }
        catch (JsonException ex)
        {
            await OpenAiErrors.BadRequestAsync(context, $"The body is not JSON ({ex.Message}): send {{\"hit_id\": \"...\", \"correct\": false}}.", "invalid_json");
            return;
        }

        if (request?["hit_id"] is not JsonValue hitIdValue || !hitIdValue.TryGetValue<string>(out var hitId) || hitId.Length == 0)
        {
            await OpenAiErrors.BadRequestAsync(context, "'hit_id' must be the x-llmcache-semantic-hit-id of a semantic hit, as a string.", param: "hit_id");
            return;
        }

        if (request["correct"] is not JsonValue correctValue || !correctValue.TryGetValue<bool>(out var correct))
        {
            await OpenAiErrors.BadRequestAsync(context, "'correct' must be true (the answer served the prompt) or false (it did not).", param: "correct");
            return;
        }

        // This gateway calls the cluster as a silo does: the tenant is checked here. Another tenant's hit is as unknown
        // as a made-up one, so that an id tells nothing about other tenants.
        var tenant = caller.Tenant ?? context.RequestServices.GetRequiredService<IOptions<LlmCacheOptions>>().Value.Tenant;
        var known = SemanticHitId.TryParse(hitId, out var id) && id.Scope.Tenant == tenant
            && await Cache(context).ReportSemanticFeedbackAsync(hitId, correct, context.RequestAborted);
        if (!known)
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status404NotFound, "No semantic hit with this 'hit_id' is known: it was never served to this tenant, or it is older than a day or than its scope's last 10,000 hits.", OpenAiErrors.InvalidRequest, "not_found");
            return;
        }

        await WriteAsync(context, new JsonObject { ["hit_id"] = hitId, ["correct"] = correct, ["recorded"] = true });
    }

    private static async Task StatsAsync(HttpContext context)
    {
        var caller = GatewayCaller.From(context.User);
        var tenant = caller.Tenant ?? context.RequestServices.GetRequiredService<IOptions<LlmCacheOptions>>().Value.Tenant;
        var grains = context.RequestServices.GetRequiredService<IGrainFactory>();
        var cluster = await grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).GetAsync().WaitAsync(context.RequestAborted);

        // Only the caller's tenant's rows (and, for a key bound to namespaces, only theirs), and totals summed from them
        // alone: rows without a tenant (from earlier versions) and the cluster's embedding work cannot be attributed.
        var stats = cluster with
        {
            Rows = [.. cluster.Rows.Where(r => r.Tenant == tenant && (caller.Namespaces.Count == 0 || caller.TryResolveNamespace(r.Namespace, out _, out _)))],
            Embedding = [],
            SemanticFeedback = [.. cluster.SemanticFeedback.Where(f => f.Tenant == tenant && (caller.Namespaces.Count == 0 || caller.TryResolveNamespace(f.Namespace, out _, out _)))],
        };
        await WriteAsync(context, new JsonObject
        {
            ["tenant"] = tenant,
            ["since"] = stats.Since,
            ["hits"] = stats.Hits,
            ["misses"] = stats.Misses,
            ["hitRate"] = stats.HitRate,
            ["grossSavedDollars"] = stats.GrossSaved,
            ["rows"] = JsonSerializer.SerializeToNode(stats.Rows.Select(r => new StatsRow(r.Namespace, r.Model, r.Outcome, r.Count, r.TotalMilliseconds, r.InputTokens, r.OutputTokens, r.Dollars)), Json),
            ["semantic"] = JsonSerializer.SerializeToNode(
                stats.SemanticNamespaces.Select(name => (Name: name, Feedback: stats.SemanticFeedbackIn(name))).Select(n => new SemanticStatsRow(
                    n.Name, stats.SemanticHitsIn(n.Name), n.Feedback.ReportedCorrect, n.Feedback.ReportedWrong, n.Feedback.ErrorRate, n.Feedback.ErrorRateUpperBound, n.Feedback.VerifierRefusals)),
                Json),
        });
    }

    /// <summary>The entry key in the caller's tenant and namespace, or null once a 400 or 403 has been written.</summary>
    private static async Task<CacheKey?> KeyAsync(HttpContext context, string id)
    {
        var caller = GatewayCaller.From(context.User);
        var requested = context.Request.Headers[CacheDirectives.NamespaceHeader].ToString();
        if (!caller.TryResolveNamespace(requested, out var @namespace, out var refusal))
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, refusal!, OpenAiErrors.Permission, "namespace_not_allowed");
            return null;
        }

        try
        {
            return Cache(context).CreateKey(id, caller.Tenant, @namespace);
        }
        catch (ArgumentException ex)
        {
            await OpenAiErrors.BadRequestAsync(context, Sentence(ex), "invalid_key", Param(ex));
            return null;
        }
    }

    private static ILlmCache Cache(HttpContext context) => context.RequestServices.GetRequiredService<ILlmCache>();

    private static JsonObject Describe(CacheKey key, CacheEntry entry) => new()
    {
        ["key"] = key.Id,
        ["namespace"] = key.Namespace,
        ["response"] = entry.Response.Content,
        ["model"] = entry.Response.Model,
        ["promptTokens"] = entry.Response.PromptTokens,
        ["completionTokens"] = entry.Response.CompletionTokens,
        ["contentType"] = entry.Response.ContentType,
        ["createdAt"] = entry.CreatedAt,
        ["expiresAt"] = entry.ExpiresAt,
        ["hitCount"] = entry.HitCount,
        ["tags"] = new JsonArray([.. (entry.Tags ?? []).Select(t => (JsonNode)t)]),
        ["dependencies"] = new JsonArray([.. (entry.Dependencies ?? []).Select(d => (JsonNode)d)]),
    };

    private static JsonObject Describe(InvalidationResult result) => new()
    {
        ["keys"] = new JsonArray([.. result.Keys.Select(k => (JsonNode)k)]),
        ["entriesReached"] = result.EntriesReached,
        ["subscribersNotified"] = result.SubscribersNotified,
        ["complete"] = result.IsComplete,
        ["failures"] = new JsonArray([.. result.Failures.Select(f => (JsonNode)f)]),
    };

    private static async Task WriteAsync(HttpContext context, JsonNode node)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(node.ToJsonString(Json), context.RequestAborted);
    }

    private static string Sentence(ArgumentException ex) => ex.Message.Split(" (Parameter", 2)[0];

    // The field an ArgumentException names, as the body or header spells it.
    private static string? Param(ArgumentException ex) => ex.ParamName switch
    {
        "timeToLive" => "ttlSeconds",
        "tag" => "tags",
        "dependency" => "dependencies",
        "namespace" => CacheDirectives.NamespaceHeader,
        "key" => "key",
        var other => other,
    };

    private sealed record EntryBody(string? Response, string? Model, int? PromptTokens, int? CompletionTokens, string? ContentType, double? TtlSeconds, List<string>? Tags, List<string>? Dependencies);

    private sealed record StatsRow(string Namespace, string Model, string Outcome, long Count, double TotalMilliseconds, long InputTokens, long OutputTokens, decimal Dollars);

    private sealed record SemanticStatsRow(string Namespace, long SemanticHits, long ReportedCorrect, long ReportedWrong, double ErrorRate, double ErrorRateUpperBound, long VerifierRefusals);

    private sealed record InvalidateBody(string? Tag, string? Dependency, string? Pattern);
}
