using System.Numerics.Tensors;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Embeddings.Guard;
using OrleansLlmCache.Embeddings.Matching;

namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>Scores the semantic cache's hit decision on labelled pairs: the configured decision (the calibrated one by
/// default), the guard's rules alone, and plain cosine.</summary>
public sealed class SemanticEvaluator
{
    private readonly ITextEmbedder _embedder;
    private readonly SemanticMatchOptions _options;

    /// <summary>Creates an evaluator that embeds with <paramref name="embedder"/> and decides with <paramref name="options"/>
    /// (the shipped defaults when null; <see cref="SemanticMatchOptions.UseGuard"/> is ignored: every decision is scored).</summary>
    public SemanticEvaluator(ITextEmbedder embedder, SemanticMatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        _embedder = embedder;
        _options = options ?? new SemanticMatchOptions();
        _options.Validate();
    }

    /// <summary>Embeds every distinct prompt once, then scores each pair.</summary>
    public async Task<SemanticEvaluation> EvaluateAsync(IReadOnlyList<SemanticPair> pairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var texts = pairs.SelectMany(p => (string[])[p.Prompt, p.CachedPrompt]).Distinct(StringComparer.Ordinal).ToList();
        var vectors = await _embedder.EmbedAsync(texts, cancellationToken);
        var vectorOf = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            vectorOf[texts[i]] = vectors[i];
        }

        var guarded = new SemanticPrecisionGuard(new SemanticMatchOptions { Threshold = _options.Threshold, UseGuard = true, MinimumProbability = _options.MinimumProbability });
        var model = MatchModel.Shipped;
        var decisions = new List<PairDecision>(pairs.Count);
        var scored = new List<ScoredPair>(pairs.Count);
        foreach (var pair in pairs)
        {
            var similarity = TensorPrimitives.CosineSimilarity(vectorOf[pair.Prompt], vectorOf[pair.CachedPrompt]);
            decisions.Add(new PairDecision(pair, guarded.Decide(pair.Prompt, pair.CachedPrompt, similarity)));
            var signals = MatchSignals.Of(pair.Prompt, pair.CachedPrompt, similarity);
            scored.Add(new ScoredPair(pair, similarity, model.Probability(signals.Values), signals.Findings.Count == 0));
        }

        return new SemanticEvaluation(
            _options.Threshold,
            Score(pairs, decisions.Select(d => d.Decision.IsHit).ToList()),
            DecisionCurves.Score(scored, p => p.Similarity >= _options.Threshold),
            decisions)
        {
            WithRules = DecisionCurves.Score(scored, p => p.Similarity >= _options.Threshold && p.RulesPass),
            Scored = scored,
        };
    }

    private static HitDecisionScore Score(IReadOnlyList<SemanticPair> pairs, List<bool> hits)
    {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            switch (pairs[i].SameMeaning, hits[i])
            {
                case (true, true): tp++; break;
                case (false, true): fp++; break;
                case (true, false): fn++; break;
                default: tn++; break;
            }
        }

        return new HitDecisionScore(tp, fp, fn, tn);
    }
}
