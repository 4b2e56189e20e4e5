using System.Text;
using OrleansLlmCache.Embeddings.Embedding;

namespace OrleansLlmCache.Cli.Semantic;

/// <summary>
/// Keeps the vectors of every text embedded in a file, so that running an evaluation or a training again embeds only
/// the texts it has not seen (the model's work, minutes on two cores, is the slow part). The file is a cache: delete it
/// after changing the model.
/// </summary>
internal sealed class EmbeddingCacheFile(ITextEmbedder inner, string path) : ITextEmbedder
{
    private readonly Dictionary<string, float[]> _vectors = Read(path, inner.Dimensions);

    public int Dimensions => inner.Dimensions;

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var missing = texts.Where(t => !_vectors.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            var vectors = await inner.EmbedAsync(missing, cancellationToken);
            for (var i = 0; i < missing.Count; i++)
            {
                _vectors[missing[i]] = vectors[i];
            }

            Write();
        }

        return [.. texts.Select(t => (float[])_vectors[t].Clone())];
    }

    private void Write()
    {
        var temporary = path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temporary), Encoding.UTF8))
        {
            writer.Write(Dimensions);
            writer.Write(_vectors.Count);
            foreach (var (text, vector) in _vectors)
            {
                writer.Write(text);
                foreach (var component in vector)
                {
                    writer.Write(component);
                }
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static Dictionary<string, float[]> Read(string path, int dimensions)
    {
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return vectors;
        }

        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        if (reader.ReadInt32() != dimensions)
        {
            throw new FormatException($"--embedding-cache '{path}' holds vectors of another size: delete it.");
        }

        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var text = reader.ReadString();
            var vector = new float[dimensions];
            for (var j = 0; j < dimensions; j++)
            {
                vector[j] = reader.ReadSingle();
            }

            vectors[text] = vector;
        }

        return vectors;
    }
}
