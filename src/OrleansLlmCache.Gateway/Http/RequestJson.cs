using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace OrleansLlmCache.Gateway.Http;

/// <summary>
/// Reads a request body as JSON, refusing what would make its key ambiguous or its reading fail later: a member named
/// twice in one object (upstreams disagree on which of the two they read, so one key could stand for two requests),
/// text that is not UTF-8, and a <c>\uXXXX</c> escape of a lone UTF-16 surrogate (no model can read it, and .NET cannot
/// turn it into a string). Nesting deeper than 64 levels is refused by the parser. Each refusal names where it is.
/// </summary>
internal static class RequestJson
{
    /// <summary>The body as a document, or the refusal to answer 400 with; <paramref name="shape"/> says what a valid body holds.</summary>
    public static bool TryParse(byte[] body, string shape, [NotNullWhen(true)] out JsonDocument? document, [NotNullWhen(false)] out BadRequest? problem)
    {
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            document = null;
            problem = new BadRequest($"The request body is not valid JSON ({ex.Message}): send {shape}.", null, "invalid_json");
            return false;
        }

        problem = Check(document.RootElement, string.Empty);
        if (problem is null)
        {
            return true;
        }

        document.Dispose();
        document = null;
        return false;
    }

    private static BadRequest? Check(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                HashSet<string>? names = null;
                foreach (var property in element.EnumerateObject())
                {
                    if (Unreadable(JsonMarshal.GetRawUtf8PropertyName(property), () => property.Name) is { } why)
                    {
                        return new BadRequest($"A member name in {Describe(path)} {why}", path.Length == 0 ? null : path, "invalid_unicode");
                    }

                    var at = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (!(names ??= new(StringComparer.Ordinal)).Add(property.Name))
                    {
                        return new BadRequest(
                            $"The request body names '{at}' twice: send each member once (upstreams differ in which of the two they read).",
                            at,
                            "duplicate_member");
                    }

                    if (Check(property.Value, at) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Check(item, $"{path}[{index++}]") is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.String:
                return Unreadable(JsonMarshal.GetRawUtf8Value(element), element.GetString) is { } reason
                    ? new BadRequest($"{(path.Length == 0 ? "The request body" : $"'{path}'")} {reason}", path.Length == 0 ? null : path, "invalid_unicode")
                    : null;
            default:
                return null;
        }
    }

    private static string Describe(string path) => path.Length == 0 ? "the request body" : $"'{path}'";

    /// <summary>Why raw JSON text cannot be read as a string, or <see langword="null"/> when it can.</summary>
    private static string? Unreadable(ReadOnlySpan<byte> raw, Func<string?> read)
    {
        if (!Utf8.IsValid(raw))
        {
            return "is not UTF-8 text: send the body as UTF-8.";
        }

        // Only an escape can hold a lone surrogate; text without one needs no further look.
        if (raw.IndexOf("\\u"u8) < 0)
        {
            return null;
        }

        try
        {
            read();
            return null;
        }
        catch (InvalidOperationException)
        {
            return $"holds {LoneSurrogate(raw)}, half of a UTF-16 surrogate pair without its other half: no model can read it; send valid Unicode text.";
        }
    }

    /// <summary>The first lone surrogate escape in <paramref name="raw"/>, as written (such as <c>\ud800</c>).</summary>
    private static string LoneSurrogate(ReadOnlySpan<byte> raw)
    {
        var previousHigh = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\' && i + 1 < raw.Length && raw[i + 1] == '\\')
            {
                i++; // an escaped backslash, not the start of an escape
                previousHigh = false;
                continue;
            }

            if (raw[i] != '\\' || i + 5 >= raw.Length || raw[i + 1] != 'u'
                || !int.TryParse(System.Text.Encoding.ASCII.GetString(raw.Slice(i + 2, 4)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit))
            {
                previousHigh = false;
                continue;
            }

            var escape = "\\u" + System.Text.Encoding.ASCII.GetString(raw.Slice(i + 2, 4)).ToLowerInvariant();
            var next = i + 6;
            if (char.IsHighSurrogate((char)unit))
            {
                var pairs = next + 5 < raw.Length && raw[next] == '\\' && raw[next + 1] == 'u'
                    && int.TryParse(System.Text.Encoding.ASCII.GetString(raw.Slice(next + 2, 4)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low)
                    && char.IsLowSurrogate((char)low);
                if (!pairs)
                {
                    return escape;
                }

                previousHigh = true;
            }
            else if (char.IsLowSurrogate((char)unit) && !previousHigh)
            {
                return escape;
            }
            else
            {
                previousHigh = false;
            }

            i += 5;
        }

        return "a lone surrogate escape";
    }
}
