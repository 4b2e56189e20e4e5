using System.Collections;
using System.Globalization;
using System.Text;

namespace OrleansLlmCache.Abstractions.Keys;

/// <summary>
/// Writes JSON exactly as Python's <c>json.dumps(value, sort_keys=True)</c> does with its other defaults:
/// <c>", "</c> and <c>": "</c> separators, <c>ensure_ascii</c> (every character outside printable ASCII, DEL included, as a lower-case
/// <c>\uXXXX</c> escape, astral characters as surrogate pairs), and Python's shortest round-trip float repr
/// (<c>0.0</c>, <c>0.7</c>, <c>1e-05</c>, <c>1e+16</c>).
/// </summary>
/// <remarks>
/// Byte-for-byte agreement with Python is what lets a team move an existing cache over: the article's create_cache_key keys an entry by
/// <c>sha256(json.dumps(fields, sort_keys=True))</c>. Supported values: <see langword="null"/>, <see cref="string"/>,
/// <see cref="bool"/>, integers, <see cref="double"/>/<see cref="float"/>, dictionaries with string keys and sequences.
/// Keys are sorted by ordinal UTF-16 order, which equals Python's code-point order for every key without astral characters.
/// </remarks>
internal static class PythonJson
{
    /// <summary>Serializes <paramref name="value"/> the way Python's <c>json.dumps(value, sort_keys=True)</c> does.</summary>
    public static string Dumps(object? value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    /// <summary>Appends <paramref name="value"/> to <paramref name="builder"/> in Python's <c>json.dumps</c> form.</summary>
    public static void Write(StringBuilder builder, object? value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case string text:
                WriteString(builder, text);
                break;
            case bool flag:
                builder.Append(flag ? "true" : "false");
                break;
            case double number:
                builder.Append(FormatFloat(number));
                break;
            case float number:
                builder.Append(FormatFloat(number));
                break;
            case int or long or short or byte or sbyte or ushort or uint or ulong:
                builder.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case decimal number:
                builder.Append(FormatFloat((double)number));
                break;
            case RawJsonNumber raw:
                builder.Append(raw.Text);
                break;
            case IDictionary dictionary:
                WriteObject(builder, dictionary);
                break;
            case IEnumerable sequence:
                WriteArray(builder, sequence);
                break;
            default:
                throw new ArgumentException(
                    $"PythonJson cannot write a value of type {value.GetType().Name}; use null, string, bool, a number, a dictionary or a list.",
                    nameof(value));
        }
    }

    /// <summary>
    /// Formats a double as Python's <c>repr(float)</c> (and therefore <c>json.dumps</c>) does: the shortest digits that
    /// round-trip, in positional notation when the decimal exponent is in [-4, 16), otherwise in scientific notation
    /// with a sign and at least two exponent digits. NaN and infinities give Python's <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>.
    /// </summary>
    public static string FormatFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        // .NET's "R" gives the shortest round-trip digits (as Python's repr does); only the layout differs.
        var (negative, digits, exponent) = Decompose(value);

        // decimalPoint: the position of the decimal point relative to the start of digits (Python's decpt).
        var decimalPoint = exponent + 1;
        var text = new StringBuilder();
        if (negative)
        {
            text.Append('-');
        }

        if (decimalPoint is > -4 and <= 16)
        {
            if (decimalPoint <= 0)
            {
                text.Append("0.").Append('0', -decimalPoint).Append(digits);
            }
            else if (decimalPoint >= digits.Length)
            {
                text.Append(digits).Append('0', decimalPoint - digits.Length).Append(".0");
            }
            else
            {
                text.Append(digits, 0, decimalPoint).Append('.').Append(digits, decimalPoint, digits.Length - decimalPoint);
            }
        }
        else
        {
            text.Append(digits[0]);
            if (digits.Length > 1)
            {
                text.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var e = decimalPoint - 1;
            text.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString("00", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Splits a double into sign, significant digits and the decimal exponent of the first digit.</summary>
    private static (bool Negative, string Digits, int Exponent) Decompose(double value)
    {
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        if (negative)
        {
            shortest = shortest[1..];
        }

        var exponent = 0;
        var ePosition = shortest.IndexOfAny(['E', 'e']);
        var mantissa = shortest;
        if (ePosition >= 0)
        {
            exponent = int.Parse(shortest[(ePosition + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = shortest[..ePosition];
        }

        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerPart = point >= 0 ? mantissa[..point] : mantissa;
        var fraction = point >= 0 ? mantissa[(point + 1)..] : string.Empty;
        var allDigits = integerPart + fraction;

        // Exponent of the first digit of allDigits, in scientific terms.
        var firstDigitExponent = exponent + integerPart.Length - 1;
        var leadingZeros = 0;
        while (leadingZeros < allDigits.Length - 1 && allDigits[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        var digits = allDigits[leadingZeros..].TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        return (negative, digits, firstDigitExponent - leadingZeros);
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
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
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                default:
                    // ensure_ascii escapes everything outside ' '..'~' (so DEL too); UTF-16 code units are exactly
                    // Python's surrogate-pair escapes for astral characters.
                    if (c < ' ' || c > '~')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    private static void WriteObject(StringBuilder builder, IDictionary dictionary)
    {
        var keys = new List<string>(dictionary.Count);
        foreach (var key in dictionary.Keys)
        {
            keys.Add(key as string ?? throw new ArgumentException("PythonJson writes only dictionaries with string keys.", nameof(dictionary)));
        }

        keys.Sort(StringComparer.Ordinal);
        builder.Append('{');
        for (var i = 0; i < keys.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            WriteString(builder, keys[i]);
            builder.Append(": ");
            Write(builder, dictionary[keys[i]]);
        }

        builder.Append('}');
    }

    private static void WriteArray(StringBuilder builder, IEnumerable sequence)
    {
        builder.Append('[');
        var first = true;
        foreach (var item in sequence)
        {
            if (!first)
            {
                builder.Append(", ");
            }

            first = false;
            Write(builder, item);
        }

        builder.Append(']');
    }
}
