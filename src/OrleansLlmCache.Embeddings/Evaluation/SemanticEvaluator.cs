using System.Numerics.Tensors;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>Scores the semantic cache's hit decision on labelled pairs, with the precision guard on and off.</summary>
public sealed class SemanticEvaluator
{
    private readonly ITextEmbedder _embedder;
    private readonly SemanticMatchOptions _options;

    /// <summary>Creates an evaluator that embeds with <paramref name="embedder"/> and decides with <paramref name="options"/>
    /// (the shipped defaults when null; <see cref="SemanticMatchOptions.UseGuard"/> is ignored: both ways are scored).</summary>
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

        var guarded = new SemanticPrecisionGuard(new SemanticMatchOptions { Threshold = _options.Threshold, UseGuard = true });
        var decisions = new List<PairDecision>(pairs.Count);
        var plainHits = new List<bool>(pairs.Count);
        foreach (var pair in pairs)
        {
            var similarity = TensorPrimitives.CosineSimilarity(vectorOf[pair.Prompt], vectorOf[pair.CachedPrompt]);
            decisions.Add(new PairDecision(pair, guarded.Decide(pair.Prompt, pair.CachedPrompt, similarity)));
            plainHits.Add(similarity >= _options.Threshold);
        }

        return new SemanticEvaluation(
            _options.Threshold,
            Score(pairs, decisions.Select(d => d.Decision.IsHit).ToList()),
            Score(pairs, plainHits),
            decisions);
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
