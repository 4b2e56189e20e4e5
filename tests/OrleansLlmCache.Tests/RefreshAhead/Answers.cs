using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Tests.RefreshAhead;

/// <summary>What the refresh-ahead tests store and expect: the first answer, the one an origin gives later, and an origin never to be asked.</summary>
internal static class Answers
{
    public static readonly CachedResponse Old = new("Paris.", "gpt-4", PromptTokens: 12, CompletionTokens: 3);

    public static readonly CachedResponse Fresh = new("Paris, refreshed.", "gpt-4", PromptTokens: 12, CompletionTokens: 4);

    public static readonly CachedResponse Late = new("Paris, late.", "gpt-4", PromptTokens: 12, CompletionTokens: 4);

    /// <summary>The longest a test waits for something that should come at once.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static ValueTask<CachedResponse> Unexpected(CancellationToken cancellationToken) =>
        ValueTask.FromException<CachedResponse>(new InvalidOperationException("the origin was not expected to be asked"));
}
