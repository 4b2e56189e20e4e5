using System.Text;
using OrleansLlmCache.Abstractions;

namespace OrleansLlmCache.Cli.Commands;

/// <summary>
/// Reads <c>llmcache set --response-file</c>: a response too long for the command line (about 128 KiB there), from a
/// file or from standard input, never more than the cache's per-entry limit.
/// </summary>
internal static class ResponseFile
{
    /// <summary>Reads <paramref name="path"/> (<c>-</c> for standard input) as UTF-8, exactly as it is (no newline trimmed).</summary>
    public static string Read(string path)
    {
        var name = path == "-" ? "standard input" : $"--response-file '{path}'";
        try
        {
            using var stream = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            return Read(stream, name);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new CommandFailure($"{name} cannot be read: {ex.Message}");
        }
    }

    /// <summary>Reads at most the cache's limit plus one byte, so an endless pipe fails instead of filling memory.</summary>
    public static string Read(Stream stream, string name)
    {
        var buffer = new byte[LlmCacheLimits.MaxResponseBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        if (total > LlmCacheLimits.MaxResponseBytes)
        {
            throw new CommandFailure(
                $"The response in {name} is larger than {LlmCacheLimits.MaxResponseBytes} bytes, the most the cache stores per entry.");
        }

        var bytes = buffer.AsSpan(0, total);
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new CommandFailure($"The response in {name} is not UTF-8 text.");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
