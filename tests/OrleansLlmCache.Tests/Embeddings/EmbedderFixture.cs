using OrleansLlmCache.Embeddings.Embedding;

namespace OrleansLlmCache.Tests.Embeddings;

/// <summary>One all-MiniLM-L6-v2 embedder for every embedding test: loading the model takes a second or two, and its
/// recent-text cache makes a text embedded by one test free for the next. Tests that count model work use unique texts.</summary>
public sealed class EmbedderFixture : IAsyncLifetime
{
    public OnnxTextEmbedder Embedder { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Embedder = new OnnxTextEmbedder();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Embedder.DisposeAsync();
}
