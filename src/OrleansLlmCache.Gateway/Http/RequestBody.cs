using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace OrleansLlmCache.Gateway.Http;

/// <summary>Reads a request body up to the configured limit, so that an oversized body is a 400 that names the limit.</summary>
internal static class RequestBody
{
    /// <summary>
    /// The body, or <see langword="null"/> after answering 400 (in OpenAI's error shape, naming the limit) when it is
    /// larger than <paramref name="maxBytes"/>.
    /// </summary>
    public static async Task<byte[]?> ReadOrRefuseAsync(HttpContext context, int maxBytes)
    {
        var body = await ReadAsync(context.Request, maxBytes, context.RequestAborted);
        if (body is null)
        {
            await OpenAiErrors.BadRequestAsync(context, TooLarge(maxBytes), "request_too_large");
        }

        return body;
    }

    /// <summary>The body, or <see langword="null"/> when it is larger than <paramref name="maxBytes"/>.</summary>
    private static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        if (request.ContentLength is { } length)
        {
            // The usual case (SDKs send Content-Length): read straight into an array of that size. The server ends
            // the request if the body is shorter than its Content-Length says.
            var exact = new byte[length];
            var filled = 0;
            int n;
            while (filled < exact.Length && (n = await request.Body.ReadAsync(exact.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += n;
            }

            return filled == exact.Length ? exact : exact[..filled];
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

    private static string TooLarge(int maxBytes) =>
        $"The request body is larger than this gateway accepts ({maxBytes} bytes, LlmCache:Gateway:MaxRequestBytes): send a shorter request.";
}
