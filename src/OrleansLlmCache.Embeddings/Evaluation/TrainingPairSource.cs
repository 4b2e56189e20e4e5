namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>Where a training pair came from.</summary>
internal enum TrainingPairSource
{
    /// <summary>A labelled pair of a public file.</summary>
    Public,

    /// <summary>A controlled edit of a public prompt (<see cref="PromptPerturber"/>): for training only, never scored.</summary>
    Perturbation,

    /// <summary>A prompt and its nearest prompt of another group: different questions on a related subject.</summary>
    Neighbour,
}
