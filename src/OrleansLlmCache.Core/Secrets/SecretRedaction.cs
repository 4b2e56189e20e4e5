using System.Text.RegularExpressions;

namespace OrleansLlmCache.Core.Secrets;

/// <summary>
/// Hides passwords in text that may carry a connection string (an error message, a health check's reason) before it is
/// printed, logged or returned: the value of <c>Password=</c>, <c>Pwd=</c>, <c>password=</c> and the like, in
/// PostgreSQL's (Npgsql, <c>;</c>-separated) and Redis' (StackExchange.Redis, <c>,</c>-separated) formats, and the
/// password of a URL's <c>user:password@</c>. In a line with a <c>;</c> a value runs to the next <c>;</c>, so a
/// PostgreSQL password with a comma is hidden whole.
/// </summary>
internal static partial class SecretRedaction
{
    /// <summary>What a hidden value reads as.</summary>
    public const string Hidden = "***";

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = UrlPassword().Replace(lines[i], m => m.Groups["prefix"].Value + Hidden + "@");
            var pattern = line.Contains(';', StringComparison.Ordinal) ? SemicolonSeparated() : CommaSeparated();
            lines[i] = pattern.Replace(line, m => m.Groups["key"].Value + Hidden);
        }

        return string.Join('\n', lines);
    }

    // Quoted values (Npgsql accepts "..." and '...', doubled quotes inside) or everything up to the separator.
    [GeneratedRegex("""(?<key>\b(?:user\s*password|password|passwd|pwd)\s*=\s*)(?:"(?:[^"]|"")*"?|'(?:[^']|'')*'?|[^;\r]*)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SemicolonSeparated();

    [GeneratedRegex("""(?<key>\b(?:user\s*password|password|passwd|pwd)\s*=\s*)(?:"(?:[^"]|"")*"?|'(?:[^']|'')*'?|[^,\s]*)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CommaSeparated();

    [GeneratedRegex("""(?<prefix>\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)[^@\s/]*@""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();
}
