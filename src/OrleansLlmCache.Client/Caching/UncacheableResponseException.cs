namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// Thrown by a get-or-create factory that has the origin's answer but must not store it (the origin filtered the
/// content, or the answer cannot be serialized). The cache counts the origin call as a miss, stores nothing, releases the
/// single-flight lease and rethrows it, so that the factory's caller can return the answer it kept.
/// </summary>
/// <param name="reason">Why the answer is not stored, for the log.</param>
/// <param name="model">The model that answered, for the statistics.</param>
/// <param name="promptTokens">Input tokens the origin call cost.</param>
/// <param name="completionTokens">Output tokens the origin call cost.</param>
internal sealed class UncacheableResponseException(string reason, string model, int promptTokens, int completionTokens)
    : Exception($"The response must not be cached: {reason}.")
{
    public string Reason { get; } = reason;

    public string Model { get; } = model;

    public int PromptTokens { get; } = promptTokens;

    public int CompletionTokens { get; } = completionTokens;
}
