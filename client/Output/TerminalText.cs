using System.Globalization;
using System.Text;
using Spectre.Console;

namespace OrleansLlmCache.Cli.Output;

/// <summary>
/// Makes untrusted text (a cached LLM answer) safe to show on a terminal: control characters are written as visible
/// escapes, so an answer cannot move the cursor, retitle the window, clear the screen or hide text from the reader.
/// </summary>
internal static class TerminalText
{
    /// <summary>
    /// Writes an answer on a line of its own: escaped when the output is a terminal, exactly as stored when it is
    /// redirected to a file or a pipe (where no terminal interprets it and a script wants the bytes).
    /// </summary>
    public static void WriteAnswer(IAnsiConsole console, string answer)
    {
        ArgumentNullException.ThrowIfNull(console);
        var output = console.Profile.Out;
        output.Writer.WriteLine(output.IsTerminal ? Escape(answer) : answer);
        output.Writer.Flush();
    }

    /// <summary>
    /// Returns <paramref name="text"/> with every control character except line feed and tab (and the carriage return of
    /// a CRLF) written as <c>\xHH</c> or <c>\uHHHH</c>: C0 controls, DEL, the C1 range (U+0080-U+009F, where U+009B
    /// starts a CSI sequence on some terminals) and the bidirectional overrides and isolates that reorder what is shown.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAny(MustEscape))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                builder.Append(c);
            }
            else if (MustEscape.Contains(c))
            {
                AppendEscaped(builder, c);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Returns <paramref name="text"/> as one line: what <see cref="Escape"/> escapes, and also line breaks (U+2028 and
    /// U+2029 too), tabs and lone UTF-16 surrogates, so that a bad value quoted in an error message can neither break the
    /// line a script reads nor make the terminal's encoder fail.
    /// </summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var paired = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (paired)
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (MustEscape.Contains(c) || c is '\n' or '\r' or '\t' or '\u2028' or '\u2029' || char.IsSurrogate(c))
            {
                AppendEscaped(builder, c);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    // \x1b for the Latin-1 range, \u202e above it: what a reader recognises as an escape, and what no terminal acts on.
    private static void AppendEscaped(StringBuilder builder, char c) =>
        builder.Append(c <= '\u00FF'
            ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}")
            : string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"));

    /// <summary>
    /// Writes <c>error: {message}</c> as one line, <paramref name="message"/> made safe by <see cref="OneLine"/>: in red on
    /// a terminal, and unwrapped when redirected, where a script reads the line whatever its length.
    /// </summary>
    public static void WriteError(IAnsiConsole console, string message)
    {
        ArgumentNullException.ThrowIfNull(console);
        var line = OneLine(message);
        if (console.Profile.Out.IsTerminal)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {line}");
        }
        else
        {
            console.Profile.Out.Writer.WriteLine("error: " + line);
            console.Profile.Out.Writer.Flush();
        }
    }

    private static readonly System.Buffers.SearchValues<char> MustEscape = System.Buffers.SearchValues.Create(
        Enumerable.Range(0, 0x20).Where(c => c is not '\n' and not '\t')
            .Concat(Enumerable.Range(0x7F, 0x21)) // DEL and C1
            .Concat(Enumerable.Range(0x202A, 5)) // LRE RLE PDF LRO RLO
            .Concat(Enumerable.Range(0x2066, 4)) // LRI RLI FSI PDI
            .Select(c => (char)c)
            .ToArray());
}
