using System.Numerics.Tensors;
using OrleansLlmCache.Embeddings.Embedding;

namespace OrleansLlmCache.Tests.Embeddings;

[Collection(EmbedderCollection.Name)]
[Trait("Category", "Integration")]
public sealed class OnnxTextEmbedderTests(EmbedderFixture fixture)
{
    private readonly OnnxTextEmbedder _embedder = fixture.Embedder;

    [Fact]
    public async Task Embed_MatchesTheReferenceSimilaritiesOfAllMiniLmL6V2_ToThreeDecimals()
    {
        // The example of the sentence-transformers model card for all-MiniLM-L6-v2, with its published similarities.
        var vectors = await _embedder.EmbedAsync(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]);

        Assert.Equal(0.6660, TensorPrimitives.CosineSimilarity(vectors[0], vectors[1]), 3);
        Assert.Equal(0.1046, TensorPrimitives.CosineSimilarity(vectors[0], vectors[2]), 3);
        Assert.Equal(0.1411, TensorPrimitives.CosineSimilarity(vectors[1], vectors[2]), 3);
    }

    [Fact]
    public async Task Usage_CountsTheTokensOfModelRunsOnly_ChargedToTheCallerWhoseTextRan()
    {
        var usage = new RecordingUsage();
        await using var embedder = new OnnxTextEmbedder(usage: usage);

        await embedder.EmbedAsync(["The weather is lovely today."], "weather");
        await embedder.EmbedAsync(["The weather is lovely today.", "Hello world"], "greetings"); // the first is recent: free

        // [CLS] the weather is lovely today . [SEP] and [CLS] hello world [SEP]
        Assert.Equal([("weather", 1, 8L), ("greetings", 1, 4L)], usage.Records);
        Assert.Equal(2, embedder.TextsEmbedded);
        Assert.Equal(12, embedder.TokensEmbedded);
    }

    [Fact]
    public async Task Embed_Returns384DimensionalUnitVectors_IncludingForAnEmptyText()
    {
        var vectors = await _embedder.EmbedAsync(["What is Orleans?", string.Empty]);

        Assert.Equal(384, _embedder.Dimensions);
        Assert.All(vectors, v =>
        {
            Assert.Equal(384, v.Length);
            Assert.Equal(1.0, TensorPrimitives.Norm(v), 4);
        });
    }

    [Fact]
    public async Task Embed_BatchedAndConcurrent_GivesTheSameVectorsAsOneByOne()
    {
        // The model itself, without the batcher, embeds one text per run: the reference.
        using var model = new MiniLmModel(intraOpThreads: 0);
        var tag = Guid.NewGuid().ToString("N");
        string[] texts =
        [
            $"short {tag}",
            $"A much longer prompt about distributed caches, virtual actors and single-flight leases, number {tag}.",
            $"How many tokens does {tag} take?",
        ];

        // One run with padding to the longest text: the padding is masked out of the mean.
        var batch = model.Embed(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            AssertSameVector(model.Embed([texts[i]])[0], batch[i]);
        }

        // Many callers at once through the batcher, however it happens to group them.
        var prompts = Enumerable.Range(0, 48).Select(i => $"prompt {i} of a busy app server {tag}").ToList();
        var concurrent = await Task.WhenAll(prompts.Select(p => Task.Run(() => _embedder.EmbedAsync(p))));
        for (var i = 0; i < prompts.Count; i++)
        {
            AssertSameVector(model.Embed([prompts[i]])[0], concurrent[i]);
        }
    }

    [Fact]
    public async Task Embed_IdenticalTextsInOneCall_AreEmbeddedOnce()
    {
        var tag = Guid.NewGuid().ToString("N");
        var before = _embedder.TextsEmbedded;

        var vectors = await _embedder.EmbedAsync([$"a {tag}", $"b {tag}", $"a {tag}", $"a {tag}"]);

        Assert.Equal(2, _embedder.TextsEmbedded - before);
        Assert.Equal(vectors[0], vectors[2]);
        Assert.Equal(vectors[0], vectors[3]);
    }

    [Fact]
    public async Task Embed_TheSameTextFromManyConcurrentCallers_IsEmbeddedOnce_AndEveryCallerGetsItsOwnCopy()
    {
        var text = $"concurrent {Guid.NewGuid():N}";
        var before = _embedder.TextsEmbedded;

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => _embedder.EmbedAsync(text))));

        Assert.Equal(1, _embedder.TextsEmbedded - before); // waiting or running: shared; done: the recent-text cache
        Assert.All(results, r => Assert.Equal(results[0], r));
        results[0][0] = 42f; // a caller changing its vector changes nobody else's
        Assert.NotEqual(42f, (await _embedder.EmbedAsync(text))[0]);
    }

    [Fact]
    public async Task Embed_TextBeyond256Tokens_IsCut_SoOnlyItsBeginningCounts()
    {
        var words = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"word{i % 10}"));

        var vectors = await _embedder.EmbedAsync([words, words + " and then something completely different about volcanoes"]);

        Assert.Equal(256, OnnxTextEmbedder.MaxTokens);
        Assert.Equal(vectors[0], vectors[1]);
    }

    [Fact]
    public void Options_OutOfRange_AreRefusedWithTheSettingNamed()
    {
        var error = Assert.Throws<ArgumentException>(() => new OnnxTextEmbedderOptions { MaxBatchSize = 0 }.Validate());
        Assert.Contains("MaxBatchSize", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new OnnxTextEmbedderOptions { BatchWindow = TimeSpan.FromSeconds(1) }.Validate());
        Assert.Throws<ArgumentException>(() => new OnnxTextEmbedderOptions { RecentTextCapacity = -1 }.Validate());
    }

    private static void AssertSameVector(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var distance = TensorPrimitives.Distance(expected, actual);
        Assert.True(distance < 1e-4f, $"expected the same vector; Euclidean distance {distance}");
    }

    private sealed class RecordingUsage : IEmbeddingUsageRecorder
    {
        private readonly List<(string?, int, long)> _records = [];

        public IReadOnlyList<(string?, int, long)> Records
        {
            get
            {
                lock (_records)
                {
                    return [.. _records];
                }
            }
        }

        public void Record(string? account, int texts, long tokens)
        {
            lock (_records)
            {
                _records.Add((account, texts, tokens));
            }
        }
    }
}
