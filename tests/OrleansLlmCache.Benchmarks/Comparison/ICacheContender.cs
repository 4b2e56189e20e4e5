namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>A cache set up the way its own documentation recommends, able to make app-server nodes.</summary>
internal interface ICacheContender : IAsyncDisposable
{
    string Name { get; }

    Task<ICacheNode> CreateNodeAsync();
}
