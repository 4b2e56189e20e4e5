namespace OrleansLlmCache.Samples.AppServer;

/// <summary>The body of <c>POST /ask</c>.</summary>
/// <param name="Question">What to ask the model.</param>
internal sealed record AskRequest(string? Question);
