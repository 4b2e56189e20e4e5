namespace OrleansLlmCache.Client.Policies;

/// <summary>
/// How entries of a namespace (a prompt type) are cached, unless a request says otherwise. Bound from
/// <c>LlmCache:Client:Policies:{namespace prefix}</c>, for example:
/// <code>
/// "Policies": { "content": { "TimeToLive": "1.00:00:00" }, "code_analysis": { "NoExpiry": true }, "conversation": { "TimeToLive": "01:00:00", "Tags": [ "chat" ] } }
/// </code>
/// </summary>
public sealed class NamespacePolicy
{
    /// <summary>How long entries live; <see langword="null"/> falls back to <c>DefaultTimeToLive</c> unless <see cref="NoExpiry"/>.</summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>Entries never expire (the article's code-analysis policy). Default: false.</summary>
    public bool NoExpiry { get; set; }

    /// <summary>Tags added to every entry of the namespace, so the whole prompt type can be invalidated by tag.</summary>
    public IList<string> Tags { get; set; } = [];

    /// <summary>
    /// Fail-safe for the namespace: how long past its expiry an answer is kept and may be served when the origin fails;
    /// <see langword="null"/> takes <c>LlmCache:Client:FailSafeMaxDuration</c>.
    /// </summary>
    public TimeSpan? FailSafeMaxDuration { get; set; }

    /// <summary>
    /// Semantic matching for the namespace's requests that say nothing themselves: <see langword="true"/> on,
    /// <see langword="false"/> off, <see langword="null"/> (the default) as <c>LlmCache:Client:Semantic:Namespaces</c> says.
    /// </summary>
    public bool? Semantic { get; set; }

    /// <summary>
    /// The lowest cosine similarity that may be a semantic hit in this namespace; <see langword="null"/> (the default)
    /// takes <c>LlmCache:Client:Semantic:Threshold</c> (0.85).
    /// </summary>
    public float? SemanticThreshold { get; set; }

    /// <summary>
    /// The calibrated decision's probability target in this namespace (at least 0, below 1): higher where a wrong answer
    /// is costly. <see langword="null"/> (the default) takes <c>LlmCache:Client:Semantic:MinimumProbability</c> (0.4).
    /// </summary>
    public double? SemanticMinimumProbability { get; set; }

    /// <summary>
    /// The most the namespace's semantic hits may be reported wrong, as a rate above 0 and below 1 (for example 0.05):
    /// each scope's probability target rises from its feedback until the reports hold it (never below the configured
    /// target). <see langword="null"/> (the default) takes <c>LlmCache:Client:Semantic:MaxErrorRate</c> (off).
    /// </summary>
    public double? SemanticMaxErrorRate { get; set; }

    /// <summary>
    /// Whether the semantic verifier (<c>LlmCache:Client:Semantic:Verifier</c> or <c>VerifierChatClientKey</c>) checks
    /// the namespace's semantic hits before they are served. <see langword="null"/> (the default): whenever one is configured.
    /// </summary>
    public bool? SemanticVerify { get; set; }

    /// <summary>
    /// Eager refresh for the namespace: the share of an entry's lifetime after which a hit refreshes it in the background;
    /// <see langword="null"/> takes <c>LlmCache:Client:EagerRefreshThreshold</c>.
    /// </summary>
    public double? EagerRefreshThreshold { get; set; }

    /// <summary>
    /// The most added at random to an expiring entry's time to live in the namespace; <see langword="null"/> takes
    /// <c>LlmCache:Client:TimeToLiveJitter</c>.
    /// </summary>
    public TimeSpan? TimeToLiveJitter { get; set; }
}
