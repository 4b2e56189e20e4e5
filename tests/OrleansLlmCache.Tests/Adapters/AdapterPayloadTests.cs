using System.Text;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Client.Adapters;
using OrleansLlmCache.Client.Chat;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>How an adapter's bytes are kept as an entry's text, and read back exactly.</summary>
public sealed class AdapterPayloadTests
{
    [Fact]
    public void Utf8Bytes_AreKeptAsTheirText_AndReadBackExactly()
    {
        var json = "{\"name\":\"Zoë\",\"bom\":\"\uFEFF\",\"emoji\":\"🙂\"}"u8.ToArray();

        Assert.True(AdapterPayload.Hybrid.TryEncode(json, "k", out var response, out _));
        Assert.Equal(AdapterPayload.Hybrid.TextContentType, response.ContentType);
        Assert.Equal(Encoding.UTF8.GetString(json), response.Content);
        Assert.True(AdapterPayload.Hybrid.TryDecode(response, out var back));
        Assert.Equal(json, back);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x00, 0x01 })] // not UTF-8
    [InlineData(new byte[] { 0x61, 0x00, 0x62 })] // UTF-8 with a NUL, which PostgreSQL text cannot hold
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // an encoded surrogate: not valid UTF-8
    public void OtherBytes_AreKeptAsBase64_AndReadBackExactly(byte[] value)
    {
        Assert.True(AdapterPayload.Distributed.TryEncode(value, "k", out var response, out _));
        Assert.Equal(AdapterPayload.Distributed.Base64ContentType, response.ContentType);
        Assert.True(AdapterPayload.Distributed.TryDecode(response, out var back));
        Assert.Equal(value, back);
    }

    [Fact]
    public void TextUpToOneMebibyte_AndOtherBytesUpTo768KiB_AreStored_AndOneByteMoreIsRefusedNamingTheKey()
    {
        var text = Encoding.ASCII.GetBytes(new string('a', LlmCacheLimits.MaxResponseBytes));
        var binary = new byte[AdapterPayload.MaxBase64Bytes];
        binary[0] = 0xFF;

        Assert.True(AdapterPayload.Hybrid.TryEncode(text, "k", out var textEntry, out _));
        textEntry.Validate();
        Assert.True(AdapterPayload.Hybrid.TryEncode(binary, "k", out var binaryEntry, out _));
        binaryEntry.Validate();

        Assert.False(AdapterPayload.Hybrid.TryEncode([.. text, (byte)'a'], "report:2026", out _, out var textRefusal));
        Assert.False(AdapterPayload.Hybrid.TryEncode([.. binary, 0], "report:2026", out _, out var binaryRefusal));
        Assert.Equal(
            "The value for key 'report:2026' is 1,048,577 bytes serialized; a cache entry holds at most 1,048,576 bytes of UTF-8 text (such as JSON or a string) or 786,432 bytes of other data (kept as base64). Nothing was stored.",
            textRefusal);
        Assert.Contains("786,433 bytes serialized", binaryRefusal, StringComparison.Ordinal);
    }

    [Fact]
    public void EachAdapter_ReadsOnlyItsOwnValues()
    {
        Assert.True(AdapterPayload.Hybrid.TryEncode("42"u8, "k", out var hybrid, out _));

        Assert.False(AdapterPayload.Distributed.TryDecode(hybrid, out _));
        Assert.False(AdapterPayload.Hybrid.TryDecode(new CachedResponse("42", "gpt-4"), out _));
        Assert.False(AdapterPayload.Hybrid.TryDecode(hybrid with { Content = "not base64!", ContentType = AdapterPayload.Hybrid.Base64ContentType }, out _));
    }

    [Fact]
    public void AnAdapterValue_IsNeverReadAsAChatAnswer()
    {
        Assert.True(AdapterPayload.Distributed.TryEncode("{\"messages\":[]}"u8, "k", out var value, out _));

        Assert.False(StoredChatResponse.TryReadResponse(value, AIJsonUtilities.DefaultOptions, out _, out var problem));
        Assert.Contains("adapter", problem, StringComparison.Ordinal);

        // The check is about the content type, not the adapter: plain text stays an answer.
        Assert.True(StoredChatResponse.TryReadResponse(new CachedResponse("Paris.", "gpt-4"), AIJsonUtilities.DefaultOptions, out var answer, out _));
        Assert.Equal("Paris.", answer.Text);
    }
}
