using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Semantic;

namespace OrleansLlmCache.Grains.Semantic;

/// <summary>
/// The directory of one scope: how many shards it has and roughly how full each is. New prompts go to the first shard
/// with room (a shard freed by removals fills up again before a new one opens); searches go to every shard at once.
/// </summary>
internal sealed class SemanticScopeGrain(
    [PersistentState("llm-semantic-scope", LlmCacheStorage.Name)] IPersistentState<SemanticScopeState> state,
    IOptions<SemanticIndexOptions> options,
    IGrainFactory grains) : Grain, ISemanticScopeGrain
{
    private readonly SemanticIndexOptions _options = options.Value;
    private readonly List<int> _sizes = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Sizes are not persisted (they change with every addition): the shards know them.
        var counts = await Task.WhenAll(Enumerable.Range(0, state.State.ShardCount).Select(i => Shard(i).CountAsync()));
        _sizes.AddRange(counts);
    }

    public async Task AddAsync(IReadOnlyList<SemanticIndexItem> items)
    {
        var offset = 0;
        while (offset < items.Count)
        {
            var target = _sizes.FindIndex(size => size < _options.MaxVectorsPerShard);
            if (target < 0)
            {
                target = _sizes.Count;
                _sizes.Add(0);
                state.State.ShardCount = _sizes.Count;
                await state.WriteStateAsync();
            }

            var room = _options.MaxVectorsPerShard - _sizes[target];
            var batch = items.Skip(offset).Take(room).ToList();
            _sizes[target] = await Shard(target).AddAsync(batch);
            offset += batch.Count;
        }
    }

    public async Task<IReadOnlyList<SemanticCandidate>> SearchAsync(float[] query, int top, float minScore)
    {
        var shardCount = _sizes.Count;
        if (shardCount == 0)
        {
            return [];
        }

        var perShard = await Task.WhenAll(Enumerable.Range(0, shardCount).Select(i => Shard(i).SearchAsync(query, top, minScore)));

        // An entry re-registered after its shard filled up may sit in two shards: keep its best score once.
        return perShard.SelectMany(c => c)
            .OrderByDescending(c => c.Score).ThenBy(c => c.EntryKey, StringComparer.Ordinal)
            .DistinctBy(c => c.EntryKey)
            .Take(top)
            .ToList();
    }

    public async Task RemoveAsync(IReadOnlyList<SemanticCandidate> candidates)
    {
        foreach (var group in candidates.Where(c => c.Shard >= 0 && c.Shard < _sizes.Count).GroupBy(c => c.Shard))
        {
            _sizes[group.Key] = await Shard(group.Key).RemoveAsync(group.Select(c => c.EntryKey).Distinct().ToList());
        }
    }

    public Task<SemanticScopeInfo> DescribeAsync() => Task.FromResult(new SemanticScopeInfo(_sizes.Count, _sizes.Sum(s => (long)s)));

    private ISemanticIndexShardGrain Shard(int shard)
    {
        var scope = this.GetPrimaryKeyString();
        return grains.GetGrain<ISemanticIndexShardGrain>($"{scope}/{shard}");
    }
}
