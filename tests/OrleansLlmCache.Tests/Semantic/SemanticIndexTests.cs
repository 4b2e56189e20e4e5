using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using IGrainStorage = Orleans.Storage.IGrainStorage;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Grains;
using OrleansLlmCache.Grains.Semantic;
using OrleansLlmCache.Storage.PostgreSql.Storage;

namespace OrleansLlmCache.Tests.Semantic;

[Collection(SemanticClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SemanticIndexTests(SemanticClusterFixture fixture)
{
    private const int Dimensions = 384;

    [Fact]
    public async Task ShardedScope_GrowsShards_AndFindsWhatASingleShardScanFinds()
    {
        var scope = NewScope();
        var random = new Random(42);
        var items = ClusteredItems(random, count: 300, clusters: 10);

        // In batches of odd sizes, so that batches straddle shard boundaries.
        foreach (var batch in items.Chunk(7))
        {
            await scope.AddAsync(batch);
        }

        var info = await scope.DescribeAsync();
        Assert.Equal(300, info.Vectors);
        Assert.Equal((300 + SemanticClusterFixture.ShardSize - 1) / SemanticClusterFixture.ShardSize, info.Shards);

        var single = new VectorStore(Dimensions);
        foreach (var item in items)
        {
            single.Add(item.EntryKey, item.Prompt, item.Vector, item.ExpiresAt);
        }

        for (var q = 0; q < 40; q++)
        {
            var query = Near(random, items[random.Next(items.Count)].Vector, noise: 0.4f);
            var sharded = await scope.SearchAsync(query, top: 5, minScore: 0.5f);
            var scan = single.Search(query, 5, 0.5f, fixture.Time.GetUtcNow())
                .Select(r => (Key: single.KeyAt(r.Slot), r.Score)).ToList();

            Assert.Equal(scan.Select(r => r.Key), sharded.Select(c => c.EntryKey));
            Assert.Equal(scan.Select(r => r.Score), sharded.Select(c => c.Score));

            // And the int8 scores stay within a few thousandths of a float32 scan of the same vectors.
            foreach (var candidate in sharded)
            {
                var exact = TensorPrimitives.Dot(query, items.Single(i => i.EntryKey == candidate.EntryKey).Vector);
                Assert.InRange(candidate.Score, exact - 0.005f, exact + 0.005f);
            }
        }
    }

    [Fact]
    public async Task Index_SurvivesReactivation()
    {
        var scope = NewScope();
        var random = new Random(7);
        var items = ClusteredItems(random, count: 20, clusters: 2);
        await scope.AddAsync(items);
        var query = Near(random, items[3].Vector, noise: 0.2f);
        var before = await scope.SearchAsync(query, 5, 0.3f);
        Assert.NotEmpty(before);

        // Deactivating writes each shard (the write-behind flush) and forgets the scope's in-memory sizes.
        var info = await scope.DescribeAsync();
        for (var shard = 0; shard < info.Shards; shard++)
        {
            await fixture.Grains.GetGrain<ISemanticIndexShardGrain>($"{scope.GetPrimaryKeyString()}/{shard}").Cast<IGrainManagementExtension>().DeactivateOnIdle();
        }

        await scope.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        // A call to a deactivating grain waits for its deactivation (and so its flush) and reaches a new activation,
        // which loads what storage holds.
        Assert.Equal(info, await scope.DescribeAsync());

        // What storage holds: every prompt, with its int8 vector.
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(LlmCacheStorage.Name);
        var stored = 0;
        for (var shard = 0; shard < info.Shards; shard++)
        {
            var grain = fixture.Grains.GetGrain<ISemanticIndexShardGrain>($"{scope.GetPrimaryKeyString()}/{shard}");
            var saved = new GrainState<SemanticShardState>();
            await storage.ReadStateAsync("llm-semantic-shard", grain.GetGrainId(), saved);
            Assert.All(saved.State!.Records, r => Assert.Equal(384, r.Vector.Length));
            stored += saved.State!.Records.Count;
        }

        Assert.Equal(items.Count, stored);
        Assert.Equal(before, await scope.SearchAsync(query, 5, 0.3f));
    }

    [Fact]
    public void ShardState_RoundTripsThroughTheStorageJson_WithVectorsAsBase64()
    {
        var store = new VectorStore(Dimensions);
        var item = ClusteredItems(new Random(1), 1, 1)[0];
        store.Add(item.EntryKey, item.Prompt, item.Vector, new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var state = new SemanticShardState
        {
            Dimensions = Dimensions,
            Records = [new SemanticShardRecord { EntryKey = item.EntryKey, Prompt = item.Prompt, Vector = System.Runtime.InteropServices.MemoryMarshal.Cast<sbyte, byte>(store.VectorAt(0)).ToArray(), Scale = store.ScaleAt(0) }],
        };

        var json = new JsonGrainStorageSerializer().Serialize(state).ToString();
        using var document = JsonDocument.Parse(json);
        var record = document.RootElement.GetProperty("records")[0];
        Assert.Equal(JsonValueKind.String, record.GetProperty("vector").ValueKind); // base64, not a list of numbers
        Assert.True(json.Length < 1200, $"one 384-dimension record should take well under 1.2 KB of JSON; took {json.Length}");

        var back = new JsonGrainStorageSerializer().Deserialize<SemanticShardState>(BinaryData.FromString(json));
        Assert.Equal(state.Records[0].Vector, back.Records[0].Vector);
        Assert.Equal(state.Records[0].Scale, back.Records[0].Scale);
    }

    [Fact]
    public void Int8Dot_AgreesWithTheScalarProduct()
    {
        var random = new Random(3);
        foreach (var length in new[] { 0, 1, 15, 16, 31, 32, 33, 384, 1000 })
        {
            var a = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
            var b = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
            var expected = a.Zip(b, (x, y) => x * y).Sum();
            Assert.Equal(expected, Int8Vectors.Dot(a, b));
        }
    }

    private ISemanticScopeGrain NewScope() =>
        fixture.Grains.GetGrain<ISemanticScopeGrain>(SemanticScope.Create("tests", "index", "test", Guid.NewGuid().ToString()).ToGrainKey());

    private static List<SemanticIndexItem> ClusteredItems(Random random, int count, int clusters)
    {
        var centres = Enumerable.Range(0, clusters).Select(_ => Unit(random)).ToList();
        return Enumerable.Range(0, count)
            .Select(i => new SemanticIndexItem($"tests/index/k{i:D5}", $"prompt {i}", Near(random, centres[i % clusters], noise: 0.6f), null))
            .ToList();
    }

    private static float[] Near(Random random, float[] centre, float noise)
    {
        var noiseVector = Unit(random);
        var v = new float[Dimensions];
        for (var i = 0; i < Dimensions; i++)
        {
            v[i] = centre[i] + (noise * noiseVector[i]);
        }

        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    private static float[] Unit(Random random)
    {
        var v = new float[Dimensions];
        for (var i = 0; i < Dimensions; i++)
        {
            v[i] = (float)(random.NextDouble() - 0.5);
        }

        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }
}
