namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// The Redis-backed design's app servers, kept running with their hit set loaded while the OrleansLlmCache contenders are
/// measured, so that each of their L1 hit cells can also be measured alternately with the Redis-backed design's, back to back, under
/// the same background (the silos idle beside both). Measured minutes apart, the two contenders' cells moved by 10-20 %
/// between full runs with the machine's state, more than the difference between their hit paths; a pair measured within
/// seconds of each other shares whatever the machine was doing then.
/// </summary>
internal sealed class PairedArticleDesign : IAsyncDisposable
{
    private readonly NodeProcess _writer;

    private PairedArticleDesign(NodeProcess writer, NodeProcess reader, string run)
    {
        _writer = writer;
        Reader = reader;
        Run = run;
    }

    /// <summary>The app server whose hits are measured (it read every entry once, as <see cref="ComparisonBenchmark"/>'s B does).</summary>
    public NodeProcess Reader { get; }

    private string Run { get; }

    /// <summary>The key prefix of the entries of <paramref name="size"/> bytes, for the node's <c>hits</c> command.</summary>
    public string Prefix(int size) => $"{Run}-h{size}";

    public static async Task<PairedArticleDesign> StartAsync(string redis, string postgres, ComparisonSettings settings)
    {
        var writer = await NodeProcess.StartAsync("article", redis, postgres, "-");
        var reader = await NodeProcess.StartAsync("article", redis, postgres, "-");
        var article = new PairedArticleDesign(writer, reader, "articlepair-" + Guid.NewGuid().ToString("N")[..6]);
        try
        {
            foreach (var size in settings.PayloadSizes)
            {
                await writer.SendAsync($"fill {article.Prefix(size)} {settings.HitEntries} {size} {article.Run}-hits");
                await ComparisonBenchmark.ExpectAsync(reader, $"read {article.Prefix(size)} {settings.HitEntries}", settings.HitEntries);
            }

            // Thrown away, as for every contender: lets tiered JIT compile the hit path before the first pair.
            await reader.SendAsync(FormattableString.Invariant($"hits {article.Prefix(settings.PayloadSizes[0])} {settings.HitEntries} 1 {2 * settings.HitSeconds}"));
            return article;
        }
        catch
        {
            await article.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Reader.DisposeAsync();
        await _writer.DisposeAsync();
    }
}
