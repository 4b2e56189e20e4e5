namespace OrleansLlmCache.Samples.AppServer;

/// <summary>The answer of <c>POST /ask</c>.</summary>
/// <param name="Answer">The model's answer.</param>
/// <param name="Source">Where it came from: <c>Hit</c> from the cache, <c>Origin</c> from the model, and so on.</param>
/// <param name="ElapsedMilliseconds">How long the call through the cache took.</param>
internal sealed record AskResponse(string Answer, string Source, double ElapsedMilliseconds);
