using System.Numerics.Tensors;
using OrleansLlmCache.Embeddings.Embedding;
using OrleansLlmCache.Embeddings.Guard;
using OrleansLlmCache.Embeddings.Matching;

namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>
/// Every pair the calibrated decision is trained and cross-validated on, made from public pair files: their own pairs,
/// controlled perturbations of their prompts, and each prompt's nearest prompt of another group as a negative. Pairs
/// are split into folds by group: prompts joined by any pair form a group, and everything made from a group's prompts
/// sits in its fold, so no prompt, paraphrase or perturbation of a held-out pair is ever trained on.
/// </summary>
internal sealed class TrainingSet
{
    /// <summary>The name the mined neighbour pairs are reported under.</summary>
    public const string NeighbourSetName = "related questions (mined)";

    private TrainingSet(int folds, IReadOnlyList<TrainingPair> pairs)
    {
        Folds = folds;
        Pairs = pairs;
    }

    public int Folds { get; }

    public IReadOnlyList<TrainingPair> Pairs { get; }

    public static async Task<TrainingSet> BuildAsync(ITextEmbedder embedder, IReadOnlyList<SemanticPairSet> sets, int folds, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var groups = new TextGroups();
        foreach (var set in sets)
        {
            foreach (var pair in set.Pairs)
            {
                groups.Join(pair.Prompt, pair.CachedPrompt);
            }
        }

        var foldOf = groups.AssignFolds(folds);
        var raw = new List<(string Set, SemanticPair Pair, TrainingPairSource Source, string Kind, int Fold)>();
        foreach (var set in sets)
        {
            raw.AddRange(set.Pairs.Select(p => (set.Name, p, TrainingPairSource.Public, string.Empty, foldOf(p.Prompt))));
        }

        AddPerturbations(sets, foldOf, folds, raw);

        var texts = raw.SelectMany(r => (string[])[r.Pair.Prompt, r.Pair.CachedPrompt]).Distinct(StringComparer.Ordinal).ToList();
        var vectors = await embedder.EmbedAsync(texts, cancellationToken);
        var vectorOf = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            vectorOf[texts[i]] = vectors[i];
        }

        AddNeighbours(sets, groups, foldOf, vectorOf, raw);

        var analyses = new Dictionary<string, PromptAnalysis>(StringComparer.Ordinal);
        PromptAnalysis AnalysisOf(string text) =>
            analyses.TryGetValue(text, out var analysis) ? analysis : analyses[text] = PromptAnalysis.Of(text);

        var pairs = raw.Select(r =>
        {
            var similarity = TensorPrimitives.CosineSimilarity(vectorOf[r.Pair.Prompt], vectorOf[r.Pair.CachedPrompt]);
            var signals = MatchSignals.Of(AnalysisOf(r.Pair.Prompt), AnalysisOf(r.Pair.CachedPrompt), similarity);
            return new TrainingPair(r.Set, r.Pair, r.Source, r.Kind, r.Fold, similarity, signals);
        }).ToList();
        return new TrainingSet(folds, pairs);
    }

    /// <summary>For each public prompt: its perturbations against it, and against each of its paraphrases (a paraphrase
    /// of the original is a paraphrase of a harmless rewrite, and not one of a hard negative).</summary>
    private static void AddPerturbations(
        IReadOnlyList<SemanticPairSet> sets,
        Func<string, int> foldOf,
        int folds,
        List<(string Set, SemanticPair Pair, TrainingPairSource Source, string Kind, int Fold)> raw)
    {
        var namesByFold = Enumerable.Range(0, folds).Select(_ => new SortedSet<string>(StringComparer.Ordinal)).ToArray();
        foreach (var pair in sets.SelectMany(s => s.Pairs))
        {
            foreach (var text in (string[])[pair.Prompt, pair.CachedPrompt])
            {
                namesByFold[foldOf(text)].UnionWith(PromptPerturber.NamesIn(text));
            }
        }

        var names = namesByFold.Select(n => (IReadOnlyList<string>)[.. n]).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            var paraphrases = set.Pairs.Where(p => p.SameMeaning)
                .SelectMany(p => (SemanticPair[])[p, new SemanticPair(p.CachedPrompt, p.Prompt, true)])
                .ToLookup(p => p.Prompt, p => p.CachedPrompt, StringComparer.Ordinal);
            foreach (var text in set.Pairs.SelectMany(p => (string[])[p.Prompt, p.CachedPrompt]))
            {
                if (!seen.Add(text))
                {
                    continue;
                }

                var fold = foldOf(text);
                foreach (var perturbation in PromptPerturber.Perturb(text, names[fold]))
                {
                    raw.Add((set.Name, new SemanticPair(perturbation.Text, text, perturbation.SameMeaning), TrainingPairSource.Perturbation, perturbation.Kind, fold));
                    foreach (var paraphrase in paraphrases[text].Take(1))
                    {
                        raw.Add((set.Name, new SemanticPair(perturbation.Text, paraphrase, perturbation.SameMeaning), TrainingPairSource.Perturbation, perturbation.Kind, fold));
                    }
                }
            }
        }
    }

    /// <summary>Each first prompt of a pair against the nearest first prompt of another group in its fold: a different
    /// question on a related subject, which a cosine threshold alone often takes for a paraphrase.</summary>
    private static void AddNeighbours(
        IReadOnlyList<SemanticPairSet> sets,
        TextGroups groups,
        Func<string, int> foldOf,
        Dictionary<string, float[]> vectorOf,
        List<(string Set, SemanticPair Pair, TrainingPairSource Source, string Kind, int Fold)> raw)
    {
        var prompts = sets.SelectMany(s => s.Pairs.Select(p => (Set: s.Name, Text: p.Prompt)))
            .DistinctBy(p => p.Text, StringComparer.Ordinal)
            .ToList();
        var added = new HashSet<(string, string)>();
        foreach (var byFold in prompts.GroupBy(p => foldOf(p.Text)))
        {
            var members = byFold.ToList();
            foreach (var (set, text) in members)
            {
                var best = -1;
                var bestSimilarity = float.MinValue;
                for (var j = 0; j < members.Count; j++)
                {
                    if (groups.SameGroup(text, members[j].Text))
                    {
                        continue;
                    }

                    var similarity = TensorPrimitives.Dot(vectorOf[text], vectorOf[members[j].Text]);
                    if (similarity > bestSimilarity)
                    {
                        best = j;
                        bestSimilarity = similarity;
                    }
                }

                if (best >= 0)
                {
                    var other = members[best].Text;
                    var key = string.CompareOrdinal(text, other) < 0 ? (text, other) : (other, text);
                    if (added.Add(key))
                    {
                        raw.Add((set, new SemanticPair(text, other, false), TrainingPairSource.Neighbour, "neighbour", byFold.Key));
                    }
                }
            }
        }
    }
}
