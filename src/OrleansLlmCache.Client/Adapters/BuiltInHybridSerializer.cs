using System.Buffers;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;

namespace OrleansLlmCache.Client.Adapters;

/// <summary>
/// <c>string</c> as its UTF-8 bytes and <c>byte[]</c> as it is, as <c>HybridCache</c> serializes them without asking
/// any serializer: a string value is kept in the entry as the same text, readable in the SQL view.
/// </summary>
internal sealed class BuiltInHybridSerializer : IHybridCacheSerializer<string>, IHybridCacheSerializer<byte[]>
{
    public static BuiltInHybridSerializer Instance { get; } = new();

    private BuiltInHybridSerializer()
    {
    }

    string IHybridCacheSerializer<string>.Deserialize(ReadOnlySequence<byte> source) => Encoding.UTF8.GetString(source);

    void IHybridCacheSerializer<string>.Serialize(string value, IBufferWriter<byte> target)
    {
        ArgumentNullException.ThrowIfNull(value, nameof(value));
        Encoding.UTF8.GetBytes(value, target);
    }

    byte[] IHybridCacheSerializer<byte[]>.Deserialize(ReadOnlySequence<byte> source) => source.ToArray();

    void IHybridCacheSerializer<byte[]>.Serialize(byte[] value, IBufferWriter<byte> target)
    {
        ArgumentNullException.ThrowIfNull(value, nameof(value));
        target.Write(value);
    }
}
