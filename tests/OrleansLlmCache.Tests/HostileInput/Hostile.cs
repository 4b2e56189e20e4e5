using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace OrleansLlmCache.Tests.HostileInput;

/// <summary>
/// FsCheck generators biased to what an attacker, a broken client or a corrupted file sends: control characters, NUL,
/// lone UTF-16 surrogates, byte-order marks, right-to-left overrides, very long strings, numbers at and beyond the limits
/// of every numeric type, wrong JSON types, duplicate properties, invalid UTF-8 and JSON nested thousands deep.
/// </summary>
internal static class Hostile
{
    /// <summary>Pieces of text that break naive parsers, escapers and terminals.</summary>
    private static readonly string[] Nasty =
    [
        "\0", "\u0001", "\u0007", "\u001b[31m", "\u001f", "\u007f", "\u0085", "\u00a0", "\u2028", "\u2029",
        "\ud800", "\udbff", "\udc00", "\udfff", "\udc00\ud800", "\ud83d\ude00", "\ufeff", "\u202e", "\u200b", "\u200d",
        "\ufffd", "\uffff", "\ufffe", "\"", "\\", "\\u0000", "\\ud800", "/", "\n", "\r", "\r\n", "\t", " ", ",", ";", ":",
        "[", "]", "{", "}", "'", "`", "é", "e\u0301", "𝄞", "%s", "%00", "*", "..", "../", "$", "[red]", "[/]", "<script>",
        "null", "true", "-", "--", "=", "0", "-0", "1e309", "NaN", "Infinity", "İ", "ß", "ﬀ", "Ⅻ", "١٢",
    ];

    private static readonly string[] Words = ["a", "hello", "gpt-4o", "user", "model", "system", "x", "content", "text", "0.7", "42", "default"];

    /// <summary>Any character at all, most often printable ASCII, often one of the characters parsers get wrong.</summary>
    public static Gen<char> Char { get; } = Gen.Frequency(
        (4, Gen.Choose(32, 126).Select(i => (char)i)),
        (2, Gen.Choose(0, 0xFFFF).Select(i => (char)i)),
        (2, Gen.Elements('\0', '\n', '\r', '\t', '\u007f', '\ud800', '\udc00', '\udfff', '\ufeff', '\u202e', '\u2028', '"', '\\', '/', ':', '*', ' ')));

    /// <summary>Text of any length and content, with a bias to nasty pieces; now and then tens of thousands of characters.</summary>
    public static Gen<string> Text { get; } = Gen.Frequency(
        (24, Gen.Frequency((3, Gen.Elements(Nasty)), (3, Gen.Elements(Words)), (2, Char.Select(c => c.ToString())))
            .ListOf().Select(pieces => string.Concat(pieces))),
        (8, Char.ArrayOf().Select(chars => new string(chars))),
        (4, Gen.Elements(string.Empty, " ", "\t\n", "\ufeff")),
        (1, Gen.Zip(Gen.Choose(1_000, 70_000), Gen.Elements(Nasty)).Select(t => string.Concat(Enumerable.Repeat(t.Item2, t.Item1 / t.Item2.Length + 1)))));

    /// <summary>Text that holds at least one nasty piece, for refusals that must name the field.</summary>
    public static Gen<string> NastyText { get; } = Gen.Zip(Text, Gen.Elements(Nasty.Where(n => n.Any(c => c is < ' ' or > '~' || "\\\"*/[]{}".Contains(c))).ToArray()))
        .Select(t => t.Item1 + t.Item2);

    /// <summary>Numbers as JSON text: ordinary ones and every limit (int, long, float, double, denormals, beyond double).</summary>
    public static Gen<string> JsonNumber { get; } = Gen.Frequency(
        (3, Gen.Elements(
            "0", "-0", "0.0", "1", "-1", "0.7", "0.70000001", "0.7000000000000001", "1.0", "1e2", "1E+2", "100", "2147483647", "2147483648", "-2147483649",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890",
            "123456789012345678901234567891", "3.4028235e38", "3.4028236e38", "1e39", "1.7976931348623157e308", "1e308", "1e309", "-1e309",
            "1e400", "1e500", "5e-324", "4e-324", "1e-400", "1e-401", "0.1", "0.10000000000000001", "0.1000000000000000055511151231257827")),
        (2, Gen.Choose(-1_000_000, 1_000_000).Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Zip(Gen.Choose(-1000, 1000), Gen.Choose(-400, 400)).Select(t => $"{t.Item1}.5e{t.Item2}")));

    /// <summary>A JSON string literal of <paramref name="text"/>; surrogates (paired or lone) and controls as <c>\uXXXX</c> escapes.</summary>
    public static string JsonString(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                default:
                    if (c < ' ' || char.IsSurrogate(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString(c % 2 == 0 ? "x4" : "X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Any JSON value of up to <paramref name="depth"/> levels: scalars at their limits, hostile strings, arrays, objects (some with duplicate names).</summary>
    public static Gen<string> JsonValue(int depth)
    {
        var scalar = Gen.Frequency(
            (3, Text.Select(JsonString)),
            (2, JsonNumber),
            (1, Gen.Elements("true", "false", "null")));
        if (depth <= 0)
        {
            return scalar;
        }

        var inner = Gen.Sized(size => JsonValue(depth - 1).ListOf(Math.Min(size, 4)));
        var array = inner.Select(items => "[" + string.Join(",", items) + "]");
        var obj = Gen.Zip(Gen.Frequency((3, Gen.Elements(Words)), (1, Text)).ListOf(4), inner)
            .Select(t => "{" + string.Join(",", t.Item1.Zip(t.Item2, (name, value) => JsonString(name) + ":" + value)) + "}");
        return Gen.Frequency((4, scalar), (1, array), (1, obj));
    }

    /// <summary>JSON nested <c>n</c> levels deep (arrays, objects or both), far beyond any parser's depth limit.</summary>
    public static Gen<string> DeepJson { get; } = Gen.Zip(Gen.Choose(65, 10_000), Gen.Elements("[", "{\"a\":", "[{\"a\":")).Select(t =>
    {
        var close = t.Item2 switch { "[" => "]", "{\"a\":" => "}", _ => "}]" };
        return string.Concat(Enumerable.Repeat(t.Item2, t.Item1)) + "1" + string.Concat(Enumerable.Repeat(close, t.Item1));
    });

    /// <summary>Bytes that are not UTF-8, or not JSON: lone continuation bytes, overlong forms, truncated text, raw controls.</summary>
    public static Gen<byte[]> BrokenBytes { get; } = Gen.Frequency(
        (1, Gen.Elements<byte[]>([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xef, 0xbb, 0xbf]).Select(b => (byte[])[.. "{\"model\":\""u8, .. b, .. "\",\"messages\":[],\"input\":\"x\"}"u8])),
        (1, Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Select(b => b)),
        (1, Text.Select(t => Encoding.UTF8.GetBytes("{\"model\":\"" + t + "\"}"))));

    /// <summary>A property name and value pair, the value right or of the wrong type.</summary>
    public static Gen<string> Member(string name, Gen<string> right) => Gen.Frequency((3, right), (2, JsonValue(2))).Select(v => JsonString(name) + ":" + v);

    /// <summary>An arbitrary of <paramref name="gen"/> that does not shrink (shrinking hostile JSON text breaks it into something else).</summary>
    public static Arbitrary<T> Arb<T>(Gen<T> gen) => FsCheck.Fluent.Arb.From(gen);

    /// <summary>Short text for a test's failure message: long values are cut, every character outside printable ASCII is escaped.</summary>
    public static string Show(string? text)
    {
        if (text is null)
        {
            return "null";
        }

        var cut = text.Length > 200 ? text[..200] + $"…({text.Length} chars)" : text;
        var builder = new StringBuilder();
        foreach (var c in cut)
        {
            builder.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}");
        }

        return builder.ToString();
    }
}
