using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;

namespace OrleansLlmCache.Client.Adapters;

/// <summary>Any other type as System.Text.Json writes it with the given options: HybridCache's default.</summary>
internal sealed class JsonHybridSerializer<T>(JsonSerializerOptions options) : IHybridCacheSerializer<T>
{
    public T Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Utf8JsonReader(source);
        return JsonSerializer.Deserialize<T>(ref reader, options)!;
    }

    public void Serialize(T value, IBufferWriter<byte> target)
    {
        using var writer = new Utf8JsonWriter(target);
        JsonSerializer.Serialize(writer, value, options);
    }
}
