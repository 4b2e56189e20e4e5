using System.Globalization;

namespace OrleansLlmCache.Client.Chat;

/// <summary>
/// Compares the decimal numbers two number texts write (<c>1.50</c> and <c>1.5</c>, <c>1e2</c> and <c>100</c> are one
/// number), so that a request's number is read as a double or a float only when that loses nothing the text says.
/// </summary>
internal static class JsonNumberText
{
    /// <summary>True when <paramref name="json"/> and <paramref name="shortest"/> (a double's or float's "R" form) are the same decimal number.</summary>
    public static bool SameNumber(ReadOnlySpan<char> json, ReadOnlySpan<char> shortest) =>
        Normalize(json) is { } a && Normalize(shortest) is { } b && a == b;

    /// <summary>Sign, significant digits and decimal point position as one string (<c>-15e1</c> for -1.5), or null when it is not a number.</summary>
    private static string? Normalize(ReadOnlySpan<char> text)
    {
        var negative = text.StartsWith('-');
        if (negative)
        {
            text = text[1..];
        }

        var e = text.IndexOfAny('e', 'E');
        var mantissa = e < 0 ? text : text[..e];
        long exponent = 0;
        if (e >= 0 && (text.Length - e > 12 || !long.TryParse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)))
        {
            return null; // an exponent no double or float has
        }

        var point = mantissa.IndexOf('.');
        var whole = point < 0 ? mantissa : mantissa[..point];
        var fraction = point < 0 ? [] : mantissa[(point + 1)..];
        var digits = string.Concat(whole, fraction);
        var pointAt = whole.Length + exponent;
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        pointAt -= leading;
        return digits.Length == 0
            ? (negative ? "-0" : "0")
            : string.Create(CultureInfo.InvariantCulture, $"{(negative ? "-" : string.Empty)}{digits}e{pointAt}");
    }
}
