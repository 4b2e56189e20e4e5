namespace OrleansLlmCache.Client.Semantic;

/// <summary>
/// When and how the cache answers a prompt with the answer of a similar cached prompt (configuration section
/// <c>LlmCache:Client:Semantic</c>). Off by default everywhere: a namespace opts in, and a request may opt in or out
/// (<see cref="Caching.LlmCacheEntryOptions.Semantic"/>).
/// <code>
/// "LlmCache": { "Client": { "Semantic": { "Namespaces": [ "support", "content:*" ], "Threshold": 0.85 } } }
/// </code>
/// </summary>
public sealed class SemanticCacheOptions
{
    /// <summary>
    /// The namespaces where semantic matching is on unless a request turns it off: a namespace (<c>support</c>), a
    /// prefix (<c>content:*</c>) or <c>*</c> for all. Default: none. Leave out namespaces where exactness matters, such as
    /// code analysis.
    /// </summary>
    public IList<string> Namespaces { get; set; } = [];

    /// <summary>
    /// The lowest cosine similarity that may be a hit. Default: 0.85, the article's threshold for all-MiniLM-L6-v2; with
    /// <see cref="UseEmbeddingGenerator"/>, choose one for the application's model.
    /// </summary>
    public float Threshold { get; set; } = 0.85f;

    /// <summary>
    /// Whether the precision guard checks candidates above the threshold (numbers, negation, names, direction, ...).
    /// Default: <see langword="true"/>; without it about one near-miss in five gets another prompt's answer.
    /// </summary>
    public bool UseGuard { get; set; } = true;

    /// <summary>
    /// How candidates above the threshold are decided: <see cref="SemanticDecision.Calibrated"/> (the default) by the
    /// probability that the cached answer serves the prompt, <see cref="SemanticDecision.Rules"/> by the guard's veto
    /// rules alone. Ignored when <see cref="UseGuard"/> is off.
    /// </summary>
    public SemanticDecision Decision { get; set; } = SemanticDecision.Calibrated;

    /// <summary>
    /// The calibrated decision's probability target, at least 0 and below 1: a candidate is a hit when the probability that
    /// its answer serves the new prompt is at least this. Higher is stricter. Default: 0.4 (precision first; the figures
    /// behind it are in docs/semantic-guard.md). A namespace may set its own (<c>Policies:{prefix}:SemanticMinimumProbability</c>).
    /// </summary>
    public double MinimumProbability { get; set; } = 0.4;

    /// <summary>
    /// How many of the nearest cached prompts above the threshold are checked, best first, before the lookup gives up
    /// (the guard may refuse the nearest and accept the next). Default: 5.
    /// </summary>
    public int Candidates { get; set; } = 5;

    /// <summary>
    /// Embed prompts on this app server with the application's <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>
    /// (Microsoft.Extensions.AI, registered in the app server's container) instead of on the silos with the built-in
    /// all-MiniLM-L6-v2. Its vectors are kept in indexes of their own, one per model and dimension count: prompts
    /// embedded by different models never meet, and changing the model starts empty indexes. Every app server sharing a
    /// namespace should use the same model, or each finds only what its own model indexed. Set
    /// <see cref="Threshold"/> (or a namespace's <c>SemanticThreshold</c>) for the model: similarities differ between
    /// models. Default: <see langword="false"/>.
    /// </summary>
    public bool UseEmbeddingGenerator { get; set; }

    /// <summary>
    /// With <see cref="UseEmbeddingGenerator"/>: the name of the model its vectors come from, which keeps its indexes
    /// apart from other models'. <see langword="null"/> (the default) takes the generator's own
    /// (<c>EmbeddingGeneratorMetadata.DefaultModelId</c>); a generator that names none needs it set. Change it when the
    /// model changes under the same name (a new version): the old vectors are then left to expire with their entries.
    /// </summary>
    public string? EmbeddingModelId { get; set; }

    /// <summary>
    /// The most semantic hits may be reported wrong, as a rate above 0 and below 1 (for example 0.05), with reports
    /// sent through <c>ILlmCache.ReportSemanticFeedbackAsync</c>: each scope's probability target rises from its
    /// feedback until the Wilson 95 % upper bound of its error rate holds this, and comes back down (never below
    /// <see cref="MinimumProbability"/>) as evidence allows. Calibrated decision only. A namespace may set its own
    /// (<c>Policies:{prefix}:SemanticMaxErrorRate</c>). Default: <see langword="null"/>, no adaptation.
    /// </summary>
    public double? MaxErrorRate { get; set; }

    /// <summary>
    /// Asked on the app server whether a semantic hit's cached prompt asks the same thing as the new one, before the
    /// hit is served; <see langword="false"/> turns it into a miss (counted as a verifier refusal). Applies to every
    /// semantic namespace unless its policy says <c>SemanticVerify: false</c>. A verifier that fails or times out
    /// refuses. Default: <see langword="null"/>, none (see also <see cref="VerifierChatClientKey"/>).
    /// </summary>
    public Func<SemanticVerification, CancellationToken, ValueTask<bool>>? Verifier { get; set; }

    /// <summary>
    /// The service key of a keyed <c>IChatClient</c> (a small, cheap model) to verify semantic hits with, asked
    /// "do these two questions ask the same thing? Answer yes or no."; used when <see cref="Verifier"/> is not set. Its
    /// tokens are priced with <c>LlmCache:Client:Prices</c> under the model's name and counted as a cost of the cache
    /// (outcome <c>verify</c> in the statistics). Default: none.
    /// </summary>
    public string? VerifierChatClientKey { get; set; }
}
