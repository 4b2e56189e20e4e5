using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace OrleansLlmCache.Gateway.Http;

/// <summary>Reads a request body up to the configured limit, so that an oversized body is a 400 that names the limit.</summary>
internal static class RequestBody
{
    /// <summary>The body, or <see langword="null"/> when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    public static string TooLarge(int maxBytes) =>
        $"The request body is larger than this gateway accepts ({maxBytes} bytes, LlmCache:Gateway:MaxRequestBytes): send a shorter request.";
}
