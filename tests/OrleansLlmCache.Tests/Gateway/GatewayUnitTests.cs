using System.Text.Json;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Gateway.Authentication;
using OrleansLlmCache.Gateway.Chat;
using OrleansLlmCache.Gateway.Options;

namespace OrleansLlmCache.Tests.Gateway;

/// <summary>The gateway's pieces that need no server: settings checks, key lookup, request mapping, wire-form conversions.</summary>
public sealed class GatewayUnitTests
{
    [Fact]
    public void Validator_NamesEveryBadSetting()
    {
        var options = new LlmCacheGatewayOptions
        {
            Upstream = { BaseUrl = "api.openai.com", Timeout = TimeSpan.Zero },
            MaxRequestBytes = 0,
            ApiKeys = [new GatewayApiKeyOptions { Sha256 = "sk-plain-key", Tenant = "bad tenant", Namespaces = ["ok", "no spaces*"] }],
        };

        var failures = new LlmCacheGatewayOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:Upstream:BaseUrl", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:Upstream:Timeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:MaxRequestBytes", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:ApiKeys:0:Sha256", StringComparison.Ordinal) && f.Contains("sha256sum", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:ApiKeys:0:Tenant", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("LlmCache:Gateway:ApiKeys:0:Namespaces:1", StringComparison.Ordinal));
        Assert.Equal(6, failures.Count);
    }

    [Fact]
    public void ApiKeys_FindTheTenantByHash_AndNothingForAnUnknownKey()
    {
        var keys = new GatewayApiKeys(Microsoft.Extensions.Options.Options.Create(new LlmCacheGatewayOptions
        {
            ApiKeys = [new GatewayApiKeyOptions { Sha256 = GatewayHost.Sha256("sk-a"), Tenant = "acme", Namespaces = ["support"] }],
        }));

        Assert.Equal("acme", keys.Find("sk-a")?.Tenant);
        Assert.Null(keys.Find("sk-b"));
        Assert.Null(keys.Find(GatewayHost.Sha256("sk-a"))); // the hash itself is not a key
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://+:80", false)]
    [InlineData("http://10.0.0.12:8080", false)]
    public void DevelopmentMode_CountsOnlyLoopbackAddresses(string address, bool loopback) =>
        Assert.Equal(loopback, GatewayDevelopmentMode.IsLoopback(address));

    [Fact]
    public void Request_HasTheMiddlewaresKey_ForTheSameQuestion()
    {
        using var body = JsonDocument.Parse("""
            {"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"temperature":0.7,"max_tokens":200,"stop":"END",
             "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi"}]}]}
            """);
        Assert.True(OpenAiChatRequest.TryRead(body.RootElement, out var request, out _));

        var gateway = ChatCacheKey.TryCompute(request.Messages, request.Options, null, out _);
        var middleware = ChatCacheKey.TryCompute(
            [new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = "gpt-4o", Temperature = 0.7f, MaxOutputTokens = 200, StopSequences = ["END"] },
            null,
            out _);

        Assert.True(request.Stream);
        Assert.Equal(middleware, gateway);
    }

    [Theory]
    [InlineData("""{"n":2}""")]
    [InlineData("""{"logprobs":true}""")]
    [InlineData("""{"messages_extra":1}""")]
    [InlineData("""{"tool_choice":"weird"}""")]
    public void UnknownFields_ChangeTheKey(string extra)
    {
        var plain = Key("""{"model":"m","messages":[{"role":"user","content":"Hi"}]}""");
        var withExtra = Key("""{"model":"m","messages":[{"role":"user","content":"Hi"}],""" + extra[1..]);

        Assert.NotEqual(plain, withExtra);
    }

    [Fact]
    public void UnknownContentParts_ChangeTheKey()
    {
        var first = Key("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/1.png"}}]}]}""");
        var second = Key("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/2.png"}}]}]}""");

        Assert.NotNull(first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void StreamAndWholeForms_ConvertBothWays()
    {
        var completion = """{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello world","tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""";

        var chunks = OpenAiChatFormat.CompletionToChunks(completion);
        var back = JsonDocument.Parse(OpenAiChatFormat.ChunksToCompletion(chunks)).RootElement;
        var response = OpenAiChatFormat.ToChatResponse(completion);

        var message = back.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("Hello world", message.GetProperty("content").GetString());
        Assert.Equal("""{"a":1}""", message.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool_calls", back.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(3, back.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(chunks, OpenAiChatFormat.ReadChunks(OpenAiChatFormat.WriteChunks(chunks)));
        Assert.Equal("Hello world", response.Text);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(3, response.Usage?.TotalTokenCount);
        Assert.Single(response.Messages[0].Contents.OfType<FunctionCallContent>());
    }

    private static string? Key(string json)
    {
        using var body = JsonDocument.Parse(json);
        Assert.True(OpenAiChatRequest.TryRead(body.RootElement, out var request, out var problem), problem?.Message);
        return ChatCacheKey.TryCompute(request.Messages, request.Options, null, out _);
    }
}
