using OrleansLlmCache.Embeddings.Matching;

namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>One labelled pair with everything the decision reads from it, and the fold it belongs to.</summary>
/// <param name="Set">The public file it came from or was made from.</param>
/// <param name="Pair">The prompts and the label.</param>
/// <param name="Source">Public, perturbation or mined neighbour.</param>
/// <param name="Kind">What the perturbation changed ("number", "negation", ...); empty otherwise.</param>
/// <param name="Fold">The cross-validation fold: every pair that shares a prompt, or was made from one, shares its fold.</param>
/// <param name="Similarity">The cosine similarity of the two prompts.</param>
/// <param name="Signals">The calibrated decision's features.</param>
internal sealed record TrainingPair(string Set, SemanticPair Pair, TrainingPairSource Source, string Kind, int Fold, float Similarity, MatchSignals Signals);
