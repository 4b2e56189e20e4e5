namespace OrleansLlmCache.Abstractions.Statistics;

/// <summary>Statistics aggregated over every app server and silo since the statistics grain was created.</summary>
/// <param name="Rows">Hits and misses per namespace, model and outcome, reported by app servers.</param>
/// <param name="HitHistogram">Summed hit latency histogram (<see cref="LatencyHistogram"/>).</param>
/// <param name="MissHistogram">Summed miss latency histogram.</param>
/// <param name="Since">When counting began.</param>
/// <param name="Embedding">What the cache spent on embeddings per namespace, reported by the silos that ran the model.</param>
/// <param name="History">Cumulative totals sampled over the last hour or so, oldest first, for charts.</param>
[GenerateSerializer, Immutable, Alias("llmcache.ClusterStatistics")]
public sealed record ClusterStatistics(
    [property: Id(0)] IReadOnlyList<StatisticsRow> Rows,
    [property: Id(1)] IReadOnlyList<long> HitHistogram,
    [property: Id(2)] IReadOnlyList<long> MissHistogram,
    [property: Id(3)] DateTimeOffset Since,
    [property: Id(4)] IReadOnlyList<EmbeddingUsageRow> Embedding,
    [property: Id(5)] IReadOnlyList<StatisticsSnapshot> History)
{
    /// <summary>Feedback on semantic hits per tenant and namespace (reported right, reported wrong, refused by a verifier).</summary>
    [Id(6)]
    public IReadOnlyList<SemanticFeedbackRow> SemanticFeedback { get; init; } = [];

    /// <summary>Semantic hits served in <paramref name="namespace"/> (every tenant's rows here).</summary>
    public long SemanticHitsIn(string @namespace) =>
        Rows.Where(r => r.Namespace == @namespace && r.Outcome == SemanticOutcome).Sum(r => r.Count);

    /// <summary>The namespaces with semantic hits or feedback, in order.</summary>
    public IReadOnlyList<string> SemanticNamespaces =>
        [.. Rows.Where(r => r.Outcome == SemanticOutcome).Select(r => r.Namespace).Concat(SemanticFeedback.Select(f => f.Namespace)).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>The feedback on semantic hits in <paramref name="namespace"/>, summed over the tenants here (<see cref="SemanticFeedbackRow.Tenant"/> empty when more than one).</summary>
    public SemanticFeedbackRow SemanticFeedbackIn(string @namespace)
    {
        var rows = SemanticFeedback.Where(f => f.Namespace == @namespace).ToList();
        var tenants = rows.Select(f => f.Tenant).Distinct().ToList();
        return new SemanticFeedbackRow(
            tenants.Count == 1 ? tenants[0] : string.Empty,
            @namespace,
            rows.Sum(f => f.ReportedCorrect),
            rows.Sum(f => f.ReportedWrong),
            rows.Sum(f => f.VerifierRefusals));
    }

    /// <summary>What the semantic verifier's model was paid (rows of <see cref="VerifyOutcome"/>).</summary>
    public decimal VerifierCost => Rows.Where(r => r.Outcome == VerifyOutcome).Sum(r => r.Dollars);

    /// <summary>What the semantic verifier's model was paid for <paramref name="namespace"/>.</summary>
    public decimal VerifierCostIn(string @namespace) => Rows.Where(r => r.Namespace == @namespace && r.Outcome == VerifyOutcome).Sum(r => r.Dollars);

    /// <summary>The outcome of a row of requests that went to the origin.</summary>
    public const string MissOutcome = "miss";

    /// <summary>
    /// The outcome of a row of origin calls made by cache warming: neither hits nor misses (no one asked), but paid
    /// for, so they count against the savings.
    /// </summary>
    public const string WarmOutcome = "warm";

    /// <summary>
    /// The outcome of a row of origin calls that no request waited for: eager refreshes, and calls that went on after
    /// their caller's soft or hard timeout. Like warming, neither hits nor misses, but paid for.
    /// </summary>
    public const string RefreshOutcome = "refresh";

    /// <summary>The outcome of rows of semantic hits.</summary>
    public const string SemanticOutcome = "semantic";

    /// <summary>
    /// The outcome of rows of calls to the application's semantic verifier (an <c>IChatClient</c>): their tokens and
    /// cost, a cost of the cache like embeddings. Neither hits nor misses.
    /// </summary>
    public const string VerifyOutcome = "verify";

    /// <summary>The outcomes of hits: the layer that answered (an app server's L1, a silo's memory, storage, a wait for a
    /// concurrent identical request, a semantic match, an expired answer served because the origin failed).</summary>
    public static IReadOnlyList<string> HitOutcomes { get; } = ["l1", "silo", "storage", "coalesced", "semantic", "stale"];

    /// <summary>
    /// Whether rows of <paramref name="outcome"/> are hits. Named, not "anything but a miss": an outcome a later version
    /// adds (as <see cref="WarmOutcome"/> was) is then not counted as a hit, with savings, by a version that does not
    /// know it.
    /// </summary>
    public static bool IsHit(string outcome) => HitOutcomes.Contains(outcome);

    /// <summary>Requests answered by the cache.</summary>
    public long Hits => Rows.Where(r => IsHit(r.Outcome)).Sum(r => r.Count);

    /// <summary>Requests that went to the origin.</summary>
    public long Misses => Rows.Where(r => r.Outcome == MissOutcome).Sum(r => r.Count);

    /// <summary>Origin calls made by cache warming (not in <see cref="Hits"/>, <see cref="Misses"/> or <see cref="HitRate"/>).</summary>
    public long Warmed => Rows.Where(r => r.Outcome == WarmOutcome).Sum(r => r.Count);

    /// <summary>Origin calls made in the background (<see cref="RefreshOutcome"/>; not in <see cref="Hits"/>, <see cref="Misses"/> or <see cref="HitRate"/>).</summary>
    public long Refreshed => Rows.Where(r => r.Outcome == RefreshOutcome).Sum(r => r.Count);

    /// <summary>Hits divided by requests; 0 before the first request.</summary>
    public double HitRate => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

    /// <summary>What the answers served from the cache would have cost at the origin (configured prices per model).</summary>
    public decimal GrossSaved => Rows.Where(r => IsHit(r.Outcome)).Sum(r => r.Dollars);

    /// <summary>What the origin was paid for misses.</summary>
    public decimal Spent => Rows.Where(r => r.Outcome == MissOutcome).Sum(r => r.Dollars);

    /// <summary>What the origin was paid for warming: a cost of the cache, like embeddings (without it no one would have paid).</summary>
    public decimal WarmingSpent => Rows.Where(r => r.Outcome == WarmOutcome).Sum(r => r.Dollars);

    /// <summary>
    /// What the origin was paid for background calls: a cost of the cache, like warming. An eager refresh turns a miss into
    /// a hit, whose savings count in <see cref="GrossSaved"/>; its origin call is paid here.
    /// </summary>
    public decimal RefreshSpent => Rows.Where(r => r.Outcome == RefreshOutcome).Sum(r => r.Dollars);

    /// <summary>What the cache itself spent embedding prompts for semantic lookups.</summary>
    public decimal EmbeddingCost => Embedding.Sum(e => e.Dollars);

    /// <summary>
    /// <see cref="GrossSaved"/> less <see cref="EmbeddingCost"/>, <see cref="VerifierCost"/>, <see cref="WarmingSpent"/>
    /// and <see cref="RefreshSpent"/>: what the cache really saved.
    /// </summary>
    public decimal NetSaved => GrossSaved - EmbeddingCost - VerifierCost - WarmingSpent - RefreshSpent;

    /// <summary>What hits in <paramref name="namespace"/> saved at origin prices.</summary>
    public decimal GrossSavedIn(string @namespace) =>
        Rows.Where(r => r.Namespace == @namespace && IsHit(r.Outcome)).Sum(r => r.Dollars);

    /// <summary>What embeddings for <paramref name="namespace"/> cost.</summary>
    public decimal EmbeddingCostIn(string @namespace) => Embedding.Where(e => e.Namespace == @namespace).Sum(e => e.Dollars);

    /// <summary>Origin calls made warming <paramref name="namespace"/>.</summary>
    public long WarmedIn(string @namespace) => Rows.Where(r => r.Namespace == @namespace && r.Outcome == WarmOutcome).Sum(r => r.Count);

    /// <summary>What warming <paramref name="namespace"/> paid the origin.</summary>
    public decimal WarmingSpentIn(string @namespace) =>
        Rows.Where(r => r.Namespace == @namespace && r.Outcome == WarmOutcome).Sum(r => r.Dollars);

    /// <summary>What background origin calls for <paramref name="namespace"/> were paid.</summary>
    public decimal RefreshSpentIn(string @namespace) =>
        Rows.Where(r => r.Namespace == @namespace && r.Outcome == RefreshOutcome).Sum(r => r.Dollars);

    /// <summary>What hits in <paramref name="namespace"/> saved, less what its embeddings, its verifier, its warming and its background calls cost.</summary>
    public decimal NetSavedIn(string @namespace) =>
        GrossSavedIn(@namespace) - EmbeddingCostIn(@namespace) - VerifierCostIn(@namespace) - WarmingSpentIn(@namespace) - RefreshSpentIn(@namespace);
}
