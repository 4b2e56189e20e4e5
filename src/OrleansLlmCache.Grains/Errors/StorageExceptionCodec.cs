using System.Buffers;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Serializers;
using Orleans.Serialization.WireProtocol;
using OrleansLlmCache.Abstractions.Storage;

namespace OrleansLlmCache.Grains.Errors;

/// <summary>
/// Writes the database driver's exceptions as <see cref="LlmCacheStorageException"/> wherever they would leave the
/// silo, so that no message carries a type an app server cannot load.
/// </summary>
/// <remarks>
/// <see cref="StorageExceptionFilter"/> translates what grain calls throw, but not every failure passes through a grain
/// call: when the state of a grain cannot be read, its activation fails, and Orleans answers the calls waiting for it
/// with the storage exception itself (wrapped in an <see cref="OrleansException"/>), outside any call filter. Without
/// this codec such a message either cannot be written (no codec for the driver's types) or, with the driver's
/// namespace in <c>ExceptionSerializationOptions.SupportedNamespacePrefixes</c>, cannot be read by a client
/// (<c>TypeLoadException</c>). Only writing is changed: what is read is an <see cref="LlmCacheStorageException"/>.
/// </remarks>
internal sealed class StorageExceptionCodec : IGeneralizedCodec, IGeneralizedCopier
{
    public bool IsSupportedType(Type type) => StorageFailures.IsDriverType(type);

    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, object? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (value is null)
        {
            ReferenceCodec.WriteNullReference(ref writer, fieldIdDelta);
            return;
        }

        var translated = StorageFailures.Translate((Exception)value)!;
        writer.Session.CodecProvider.GetCodec<LlmCacheStorageException>().WriteField(ref writer, fieldIdDelta, expectedType, translated);
    }

    // Never on the wire: WriteField writes the translated type instead.
    public object? ReadValue<TInput>(ref Reader<TInput> reader, Field field) =>
        throw new NotSupportedException("A database driver's exception is never written by a silo; it is sent as an LlmCacheStorageException.");

    // A local call (grain to grain on one silo) copies instead of serializing: the copy is the translated exception too.
    public object? DeepCopy(object? input, CopyContext context) => input is null ? null : StorageFailures.Translate((Exception)input);
}
