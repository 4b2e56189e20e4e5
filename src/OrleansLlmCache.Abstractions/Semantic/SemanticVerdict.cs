namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>What was learnt about a served semantic hit.</summary>
[GenerateSerializer, Alias("llmcache.SemanticVerdict")]
public enum SemanticVerdict
{
    /// <summary>The caller reported that the answer served the prompt.</summary>
    Correct = 0,

    /// <summary>The caller reported that the answer did not serve the prompt.</summary>
    Wrong = 1,

    /// <summary>The application's verifier said the two prompts do not ask the same thing: the hit was not served.</summary>
    VerifierRefused = 2,
}
