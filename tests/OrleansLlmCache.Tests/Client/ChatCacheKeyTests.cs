using System.Text.Json;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Client.Chat;

namespace OrleansLlmCache.Tests.Client;

/// <summary>Two chat requests share a key exactly when the origin would be asked the same thing.</summary>
public sealed class ChatCacheKeyTests
{
    private static readonly ChatMessage[] Messages =
    [
        new(ChatRole.System, "You are terse."),
        new(ChatRole.User, "What is the capital of France?"),
    ];

    /// <summary>
    /// A sample value for every public ChatOptions property, and whether it changes the key or makes the request
    /// uncacheable. A property Microsoft.Extensions.AI adds later fails <see cref="EveryChatOption_ChangesTheKeyOrBypassesTheCache"/>
    /// until someone decides how the key treats it.
    /// </summary>
    private static readonly Dictionary<string, (Action<ChatOptions> Set, bool Bypasses)> OptionSamples = new()
    {
        [nameof(ChatOptions.AdditionalProperties)] = (o => o.AdditionalProperties = new() { ["reasoning_budget"] = 1024 }, false),
        [nameof(ChatOptions.AllowBackgroundResponses)] = (o => o.AllowBackgroundResponses = true, true),
        [nameof(ChatOptions.AllowMultipleToolCalls)] = (o => o.AllowMultipleToolCalls = false, false),
        [nameof(ChatOptions.ContinuationToken)] = (o => o.ContinuationToken = ResponseContinuationToken.FromBytes(new byte[] { 1, 2 }), true),
        [nameof(ChatOptions.ConversationId)] = (o => o.ConversationId = "conv-1", true),
        [nameof(ChatOptions.FrequencyPenalty)] = (o => o.FrequencyPenalty = 0.5f, false),
        [nameof(ChatOptions.Instructions)] = (o => o.Instructions = "Answer in French.", false),
        [nameof(ChatOptions.MaxOutputTokens)] = (o => o.MaxOutputTokens = 5, false),
        [nameof(ChatOptions.ModelId)] = (o => o.ModelId = "gpt-4o-mini", false),
        [nameof(ChatOptions.PresencePenalty)] = (o => o.PresencePenalty = 0.5f, false),
        [nameof(ChatOptions.RawRepresentationFactory)] = (o => o.RawRepresentationFactory = _ => null, true),
        [nameof(ChatOptions.Reasoning)] = (o => o.Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High }, false),
        [nameof(ChatOptions.ResponseFormat)] = (o => o.ResponseFormat = ChatResponseFormat.Json, false),
        [nameof(ChatOptions.Seed)] = (o => o.Seed = 42, false),
        [nameof(ChatOptions.StopSequences)] = (o => o.StopSequences = ["\n\n"], false),
        [nameof(ChatOptions.Temperature)] = (o => o.Temperature = 0.3f, false),
        [nameof(ChatOptions.ToolMode)] = (o => o.ToolMode = ChatToolMode.RequireAny, false),
        [nameof(ChatOptions.Tools)] = (o => o.Tools = [AIFunctionFactory.Create((string city) => city, "get_weather")], false),
        [nameof(ChatOptions.TopK)] = (o => o.TopK = 3, false),
        [nameof(ChatOptions.TopP)] = (o => o.TopP = 0.9f, false),
    };

    public static TheoryData<string> ChatOptionProperties()
    {
        var data = new TheoryData<string>();
        foreach (var property in typeof(ChatOptions).GetProperties().Where(p => p.CanWrite))
        {
            data.Add(property.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ChatOptionProperties))]
    public void EveryChatOption_ChangesTheKeyOrBypassesTheCache(string property)
    {
        Assert.True(OptionSamples.TryGetValue(property, out var sample), $"ChatOptions.{property} is new: decide whether it changes the key or bypasses the cache, in ChatCacheKey and here.");
        var baseline = Key(new ChatOptions { Temperature = 0.7f });
        var options = new ChatOptions { Temperature = 0.7f };
        sample.Set(options);
        if (property == nameof(ChatOptions.Temperature))
        {
            options.Temperature = 0.3f;
        }

        var key = ChatCacheKey.TryCompute(Messages, options, "gpt-4", out var reason);
        if (sample.Bypasses)
        {
            Assert.Null(key);
            Assert.False(string.IsNullOrEmpty(reason));
        }
        else
        {
            Assert.NotNull(key);
            Assert.NotEqual(baseline, key);
        }
    }

    [Fact]
    public void SameRequest_SameKey_AndSixtyFourHexDigits()
    {
        var a = Key(new ChatOptions { Temperature = 0.7f, ModelId = "gpt-4" });
        var b = Key(new ChatOptions { ModelId = "gpt-4", Temperature = 0.7f });
        Assert.Equal(a, b);
        Assert.Matches("^[0-9a-f]{64}$", a);
    }

    [Fact]
    public void ModelFromTheClientMetadata_IsInTheKey()
    {
        var a = ChatCacheKey.TryCompute(Messages, null, "gpt-4", out _);
        var b = ChatCacheKey.TryCompute(Messages, null, "gpt-4o", out _);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void MessageRoleTextOrderAndAuthor_AllChangeTheKey()
    {
        var baseline = ChatCacheKey.TryCompute(Messages, null, "m", out _);
        var variants = new[]
        {
            new ChatMessage[] { new(ChatRole.System, "You are terse."), new(ChatRole.User, "What is the capital of Spain?") },
            [new(ChatRole.User, "You are terse."), new(ChatRole.User, "What is the capital of France?")],
            [new(ChatRole.User, "What is the capital of France?"), new(ChatRole.System, "You are terse.")],
            [new(ChatRole.System, "You are terse."), new(ChatRole.User, "What is the capital of France?") { AuthorName = "bob" }],
            [new(ChatRole.User, "What is the capital of France?")],
            [new(ChatRole.System, "You are terse."), new(ChatRole.User, [new TextContent("What is the capital "), new TextContent("of France?")])],
        };
        var keys = variants.Select(v => ChatCacheKey.TryCompute(v, null, "m", out _)).Append(baseline).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void ImageBytes_ChangeTheKey()
    {
        ChatMessage[] WithImage(byte value) => [new(ChatRole.User, [new TextContent("describe"), new DataContent(new byte[] { 1, 2, value }, "image/png")])];
        Assert.NotEqual(ChatCacheKey.TryCompute(WithImage(3), null, "m", out _), ChatCacheKey.TryCompute(WithImage(4), null, "m", out _));
    }

    [Fact]
    public void ToolCallsAndResults_ChangeTheKey()
    {
        ChatMessage[] Conversation(string result) =>
        [
            new(ChatRole.User, "weather in Paris?"),
            new(ChatRole.Assistant, [new FunctionCallContent("call-1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call-1", result)]),
        ];
        Assert.NotEqual(ChatCacheKey.TryCompute(Conversation("sunny"), null, "m", out _), ChatCacheKey.TryCompute(Conversation("rain"), null, "m", out _));
    }

    [Fact]
    public void StopSequences_AreASet()
    {
        Assert.Equal(Key(new ChatOptions { StopSequences = ["a", "b"] }), Key(new ChatOptions { StopSequences = ["b", "a", "a"] }));
        Assert.NotEqual(Key(new ChatOptions { StopSequences = ["a"] }), Key(new ChatOptions { StopSequences = ["a", "b"] }));
    }

    [Fact]
    public void ResponseFormatSchema_ChangesTheKey_ButNotItsPropertyOrder()
    {
        static ChatResponseFormat Schema(string json) => ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(json).RootElement, "answer");
        var a = Key(new ChatOptions { ResponseFormat = Schema("""{"type":"object","properties":{"city":{"type":"string"}}}""") });
        var reordered = Key(new ChatOptions { ResponseFormat = Schema("""{"properties":{"city":{"type":"string"}},"type":"object"}""") });
        var other = Key(new ChatOptions { ResponseFormat = Schema("""{"type":"object","properties":{"town":{"type":"string"}}}""") });
        Assert.Equal(a, reordered);
        Assert.NotEqual(a, other);
        Assert.NotEqual(a, Key(new ChatOptions { ResponseFormat = ChatResponseFormat.Text }));
        Assert.NotEqual(Key(new ChatOptions()), Key(new ChatOptions { ResponseFormat = ChatResponseFormat.Text }));
    }

    [Fact]
    public void ToolSchemas_ChangeTheKey()
    {
        var a = Key(new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => city, "lookup")] });
        var b = Key(new ChatOptions { Tools = [AIFunctionFactory.Create((int zip) => zip, "lookup")] });
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void OptOut_BypassesTheCache_AndIsNotPartOfTheKey()
    {
        Assert.Null(ChatCacheKey.TryCompute(Messages, new ChatOptions().WithoutLlmCache(), "m", out var reason));
        Assert.Contains("opted out", reason, StringComparison.Ordinal);
        var explicitFalse = new ChatOptions { AdditionalProperties = new() { [ChatCacheKey.BypassProperty] = false } };
        Assert.Equal(Key(new ChatOptions()), ChatCacheKey.TryCompute(Messages, explicitFalse, "gpt-4", out _));
    }

    private static string Key(ChatOptions options) => ChatCacheKey.TryCompute(Messages, options, "gpt-4", out _)!;
}
