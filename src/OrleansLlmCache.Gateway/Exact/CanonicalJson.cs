using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OrleansLlmCache.Gateway.Exact;

/// <summary>The exact key of a JSON request: the SHA-256 of its canonical form, object members in ordinal order.</summary>
internal static class CanonicalJson
{
    /// <summary>
    /// The SHA-256 (lowercase hex) of <paramref name="prefix"/> followed by <paramref name="root"/> with object members
    /// in ordinal order: member order does not matter, every value does (model, input, and any field a newer API adds).
    /// </summary>
    public static string Hash(string prefix, JsonElement root)
    {
        using var buffer = new MemoryStream();
        buffer.Write(Encoding.UTF8.GetBytes(prefix));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, root);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
