namespace OrleansLlmCache.Client.Chat;

/// <summary>The outcome of a warming batch: what was computed, what was already cached, and each failure by request index.</summary>
public sealed record WarmReport(int Total, int Warmed, int AlreadyCached, IReadOnlyList<(int Index, string Error)> Failures, TimeSpan Elapsed);
