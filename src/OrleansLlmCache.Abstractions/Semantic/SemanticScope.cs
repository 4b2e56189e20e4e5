using System.Security.Cryptography;
using System.Text;
using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>
/// The set of cached prompts a new prompt may be matched against: one tenant, one namespace, and one hash of everything
/// in the request except the final user prompt (model, system prompt, generation parameters, earlier chat turns).
/// Two prompts can only ever match when their requests differ in the final prompt alone, so an answer never crosses a
/// tenant, namespace, model, system prompt or parameter set. See docs/semantic-cache.md.
/// </summary>
/// <param name="Tenant">The tenant (the first part of every index grain key).</param>
/// <param name="Hash">64 lower-case hex digits: the SHA-256 of the scope's canonical form (<see cref="Create"/>).</param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticScope")]
public readonly record struct SemanticScope(
    [property: Id(0)] string Tenant,
    [property: Id(1)] string Hash)
{
    /// <summary>The version of the scope's canonical form; bumping it moves every scope to a new, empty index.</summary>
    public const int FormatVersion = 1;

    /// <summary>The key of the scope's directory grain: <c>{tenant}/{hash}</c>.</summary>
    public string ToGrainKey() => $"{Tenant}/{Hash}";

    /// <summary>The key of one shard of the scope: <c>{tenant}/{hash}/{shard}</c>.</summary>
    public string ShardKey(int shard) => $"{Tenant}/{Hash}/{shard}";

    /// <summary>
    /// The scope of requests in <paramref name="tenant"/>/<paramref name="namespace"/> whose canonical form without the
    /// final user prompt is <paramref name="context"/>. <paramref name="kind"/> keeps request families (five-field
    /// prompts, chat) apart even if their context texts happened to coincide.
    /// </summary>
    public static SemanticScope Create(string tenant, string @namespace, string kind, string context)
    {
        new CacheKey(tenant, @namespace, "x").Validate();
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(context);
        var canonical = PythonJson.Dumps(new Dictionary<string, object?>
        {
            ["v"] = FormatVersion,
            ["namespace"] = @namespace,
            ["kind"] = kind,
            ["context"] = context,
        });
        return new SemanticScope(tenant, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
    }

    /// <summary>
    /// The scope of a five-field request: its model, temperature, max tokens and system prompt (everything but the
    /// prompt, in the same canonical JSON the exact key hashes).
    /// </summary>
    public static SemanticScope ForPrompt(PromptRequest request, string tenant, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var context = PythonJson.Dumps(new Dictionary<string, object?>
        {
            ["model"] = request.Model,
            ["temperature"] = request.Temperature,
            ["max_tokens"] = request.MaxTokens,
            ["system_prompt"] = request.SystemPrompt,
        });
        return Create(tenant, @namespace, "prompt", context);
    }
}
