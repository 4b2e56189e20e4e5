using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace OrleansLlmCache.Storage.PostgreSql.Storage;

/// <summary>
/// Grain state as plain System.Text.Json (camelCase, no CLR type names), so that renaming or moving a state type
/// never breaks stored data, and so that SQL can read the state (the <c>llm_cache</c> view reads it).
/// </summary>
internal sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    internal static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public BinaryData Serialize<T>(T? input) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>(Options)!;
}
