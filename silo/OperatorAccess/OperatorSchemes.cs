namespace OrleansLlmCache.Silo.OperatorAccess;

/// <summary>The names of the operator pages' authentication schemes and authorization policy.</summary>
internal static class OperatorSchemes
{
    /// <summary>HTTP Basic against <c>LlmCache:Dashboard:Username</c> and its password.</summary>
    public const string Basic = "Basic";

    /// <summary>The user named by a trusted proxy's header.</summary>
    public const string TrustedProxy = "TrustedProxy";

    /// <summary>The policy on <c>/dashboard</c>, <c>/cache</c> and <c>/cache/api/*</c>.</summary>
    public const string Policy = "llmcache-operator";
}
