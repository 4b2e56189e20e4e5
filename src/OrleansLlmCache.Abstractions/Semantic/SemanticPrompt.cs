using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>A request as the semantic cache sees it: its exact key, its scope, and the final user prompt that is embedded.</summary>
/// <param name="Key">The exact key: looked up first, and the key the answer is stored under on a miss.</param>
/// <param name="Scope">The prompts it may match (same tenant, namespace, model, system prompt and parameters).</param>
/// <param name="Text">The final user prompt: what is embedded and compared, and what the precision guard reads.</param>
[GenerateSerializer, Immutable, Alias("llmcache.SemanticPrompt")]
public sealed record SemanticPrompt(
    [property: Id(0)] CacheKey Key,
    [property: Id(1)] SemanticScope Scope,
    [property: Id(2)] string Text)
{
    /// <summary>The semantic form of a five-field request in <paramref name="tenant"/>/<paramref name="namespace"/>.</summary>
    public static SemanticPrompt For(PromptRequest request, string tenant, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new SemanticPrompt(request.ToCacheKey(tenant, @namespace), SemanticScope.ForPrompt(request, tenant, @namespace), request.Prompt);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming what is not valid.</summary>
    public void Validate()
    {
        Key.Validate();
        if (Scope.Tenant != Key.Tenant)
        {
            throw new ArgumentException($"The scope's tenant '{Scope.Tenant}' differs from the key's tenant '{Key.Tenant}'.", "scope");
        }

        if (Scope.Hash is not { Length: 64 } || !Scope.Hash.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("The scope hash must be 64 lower-case hex digits (use SemanticScope.Create).", "scope");
        }

        ArgumentNullException.ThrowIfNull(Text, "text");
    }
}
