using BenchmarkDotNet.Attributes;
using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Benchmarks;

/// <summary>
/// What deciding one candidate costs: it runs for every candidate above the threshold of every semantic lookup. The
/// guard's rules alone (the first that fires refuses) against the calibrated decision (every rule, the wording, the
/// model), on a short search-style pair and on a pair of 20-word sentences. The embedding and the search are not included.
/// </summary>
[MemoryDiagnoser]
public class SemanticDecisionBenchmark
{
    private readonly SemanticPrecisionGuard _rules = new(new SemanticMatchOptions { MinimumProbability = null });
    private readonly SemanticPrecisionGuard _calibrated = new();

    [Params("short", "sentence")]
    public string Pair { get; set; } = "short";

    private (string Prompt, string Cached) Texts => Pair == "short"
        ? ("top 5 coffee shops in Seattle", "best five coffee shops in Seattle")
        : ("Hugging Face Hub is a platform to host Git-based models, datasets, and Spaces for machine learning teams.",
            "Hugging Face Hub serves as a repository for Git-based models, datasets, and Spaces used by machine learning teams.");

    [Benchmark(Baseline = true)]
    public SemanticMatchDecision Rules() => _rules.Decide(Texts.Prompt, Texts.Cached, 0.95f);

    [Benchmark]
    public SemanticMatchDecision Calibrated() => _calibrated.Decide(Texts.Prompt, Texts.Cached, 0.95f);
}
