using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Model;

namespace OrleansLlmCache.Client.Adapters;

/// <summary>
/// How an adapter's bytes become an entry's text content and back. An entry holds text, so the bytes are kept as the
/// text they already are when they are UTF-8 (JSON, strings: readable in the SQL view, and up to the full 1 MiB), and
/// as base64 otherwise (up to 768 KiB of bytes). The content type says which, and marks the entry as an adapter's value,
/// so that the chat middleware and the HTTP gateway never serve it as a chat answer.
/// </summary>
internal sealed class AdapterPayload
{
    /// <summary>What the content type of every adapter's value starts with.</summary>
    public const string ContentTypePrefix = "application/vnd.orleansllmcache.adapter.";

    /// <summary>The most bytes an entry holds as base64: 1 MiB of base64 text.</summary>
    public const int MaxBase64Bytes = LlmCacheLimits.MaxResponseBytes / 4 * 3;

    /// <summary>Values stored through <c>HybridCache</c>.</summary>
    public static AdapterPayload Hybrid { get; } = new("hybrid-cache");

    /// <summary>Values stored through <c>IDistributedCache</c>.</summary>
    public static AdapterPayload Distributed { get; } = new("distributed-cache");

    private AdapterPayload(string name)
    {
        Model = name;
        TextContentType = $"{ContentTypePrefix}{name}.v1; encoding=utf-8";
        Base64ContentType = $"{ContentTypePrefix}{name}.v1; encoding=base64";
    }

    /// <summary>The entry's model: entries need one, and it names the adapter in statistics.</summary>
    public string Model { get; }

    /// <summary>The content type of bytes kept as their UTF-8 text.</summary>
    public string TextContentType { get; }

    /// <summary>The content type of bytes kept as base64.</summary>
    public string Base64ContentType { get; }

    /// <summary>Whether the entry holds an adapter's value (of any adapter), not an answer.</summary>
    public static bool IsAdapterValue(string? contentType) =>
        contentType is not null && contentType.StartsWith(ContentTypePrefix, StringComparison.Ordinal);

    /// <summary>Whether the entry holds a value of this adapter.</summary>
    public bool Owns(CachedResponse response) => response.ContentType == TextContentType || response.ContentType == Base64ContentType;

    /// <summary>
    /// The entry content for <paramref name="value"/>, or <see langword="false"/> with the reason it is too large
    /// (naming <paramref name="key"/>, the caller's key).
    /// </summary>
    public bool TryEncode(ReadOnlySpan<byte> value, string key, [NotNullWhen(true)] out CachedResponse? response, [NotNullWhen(false)] out string? refusal)
    {
        // NUL is valid UTF-8, but PostgreSQL cannot keep it in text: such values go as base64.
        if (Utf8.IsValid(value) && !value.Contains((byte)0))
        {
            if (value.Length <= LlmCacheLimits.MaxResponseBytes)
            {
                response = new CachedResponse(Encoding.UTF8.GetString(value), Model, ContentType: TextContentType);
                refusal = null;
                return true;
            }
        }
        else if (value.Length <= MaxBase64Bytes)
        {
            response = new CachedResponse(Convert.ToBase64String(value), Model, ContentType: Base64ContentType);
            refusal = null;
            return true;
        }

        response = null;
        refusal = string.Create(
            CultureInfo.InvariantCulture,
            $"The value for key '{Shorten(key)}' is {value.Length:N0} bytes serialized; a cache entry holds at most {LlmCacheLimits.MaxResponseBytes:N0} bytes of UTF-8 text (such as JSON or a string) or {MaxBase64Bytes:N0} bytes of other data (kept as base64). Nothing was stored.");
        return false;
    }

    /// <summary>The bytes of an entry this adapter wrote; <see langword="false"/> for any other entry.</summary>
    public bool TryDecode(CachedResponse response, [NotNullWhen(true)] out byte[]? value)
    {
        if (response.ContentType == TextContentType)
        {
            value = Encoding.UTF8.GetBytes(response.Content);
            return true;
        }

        if (response.ContentType == Base64ContentType)
        {
            // An entry is only ever written by TryEncode; base64 that does not decode was not, and is not served.
            var buffer = new byte[response.Content.Length / 4 * 3];
            if (Convert.TryFromBase64String(response.Content, buffer, out var written))
            {
                value = written == buffer.Length ? buffer : buffer[..written];
                return true;
            }
        }

        value = null;
        return false;
    }

    private static string Shorten(string key) => key.Length <= 80 ? key : key[..80] + "…";
}
