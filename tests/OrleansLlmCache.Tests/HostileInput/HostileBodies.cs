using FsCheck;
using FsCheck.Fluent;
using static OrleansLlmCache.Tests.HostileInput.JsonTree;

namespace OrleansLlmCache.Tests.HostileInput;

/// <summary>Request bodies for the gateway's endpoints: mostly the right shape with hostile values, often a wrong type.</summary>
internal static class HostileBodies
{
    private static Gen<JsonTree> Text => Hostile.Text.Select(t => (JsonTree)Str(t));

    private static Gen<JsonTree> OneOf(params string[] texts) => Gen.Elements(texts).Select(t => (JsonTree)Str(t));

    private static Gen<JsonTree> Number => Hostile.JsonNumber.Select(n => (JsonTree)Raw(n));

    private static Gen<JsonTree> Bool => Gen.Elements("true", "false").Select(b => (JsonTree)Raw(b));

    private static Gen<JsonTree> Model => Gen.Frequency((4, OneOf("gpt-4o-mini")), (1, Text));

    private static Gen<JsonTree> ArrayOf(Gen<JsonTree> item, int max = 3) => item.ListOf(max).Select(i => (JsonTree)new JsonArray([.. i]));

    private static Gen<JsonTree> Parameters => Object(("type", OneOf("object"), true), ("properties", Any(2), false), ("required", ArrayOf(Text), false));

    private static Gen<JsonTree> Function => Object(
        ("name", RightOrWrong(OneOf("get_weather", "lookup")), true),
        ("description", RightOrWrong(Text), false),
        ("parameters", RightOrWrong(Parameters), false),
        ("strict", Bool, false));

    private static Gen<JsonTree> ToolCall => Object(
        ("id", RightOrWrong(OneOf("call_1", "call_2")), true),
        ("type", RightOrWrong(OneOf("function", "custom")), true),
        ("function", RightOrWrong(Object(("name", RightOrWrong(OneOf("lookup")), true), ("arguments", RightOrWrong(OneOf("{\"q\":1}", "{}", "not json", "[1]")), true))), true),
        ("extra", Any(1), false));

    private static Gen<JsonTree> ContentPart => Gen.Frequency(
        (3, Object(("type", RightOrWrong(OneOf("text")), true), ("text", RightOrWrong(Text), true))),
        (1, Object(("type", OneOf("image_url"), true), ("image_url", Object(("url", Text, true), ("detail", OneOf("low", "high"), false)), true))),
        (1, Any(2)));

    private static Gen<JsonTree> Message => Object(
        ("role", RightOrWrong(OneOf("user", "assistant", "system", "developer", "tool")), true),
        ("content", RightOrWrong(Gen.Frequency((3, Text), (2, ArrayOf(ContentPart)), (1, Gen.Constant<JsonTree>(Raw("null"))))), true),
        ("name", RightOrWrong(Text), false),
        ("tool_calls", RightOrWrong(ArrayOf(RightOrWrong(ToolCall), 2)), false),
        ("tool_call_id", RightOrWrong(OneOf("call_1")), false));

    /// <summary>A <c>chat/completions</c> body.</summary>
    public static Gen<JsonTree> Chat { get; } = Object(
        ("model", RightOrWrong(Model), true),
        ("messages", RightOrWrong(ArrayOf(RightOrWrong(Message), 4)), true),
        ("temperature", RightOrWrong(Number), false),
        ("top_p", RightOrWrong(Number), false),
        ("frequency_penalty", RightOrWrong(Number), false),
        ("seed", RightOrWrong(Number), false),
        ("max_tokens", RightOrWrong(Number), false),
        ("max_completion_tokens", RightOrWrong(Number), false),
        ("stop", RightOrWrong(Gen.Frequency((1, Text), (1, ArrayOf(Text)))), false),
        ("parallel_tool_calls", RightOrWrong(Bool), false),
        ("response_format", RightOrWrong(Gen.Frequency(
            (1, Object(("type", RightOrWrong(OneOf("text", "json_object")), true))),
            (2, Object(("type", RightOrWrong(OneOf("json_schema")), true), ("json_schema", Object(("name", RightOrWrong(Text), false), ("description", RightOrWrong(Text), false), ("schema", Any(3), true), ("strict", Bool, false)), true))))), false),
        ("tool_choice", RightOrWrong(Gen.Frequency(
            (1, OneOf("none", "auto", "required")),
            (1, Object(("type", RightOrWrong(OneOf("function", "allowed_tools")), true), ("function", RightOrWrong(Object(("name", RightOrWrong(OneOf("lookup")), true))), true))))), false),
        ("tools", RightOrWrong(ArrayOf(RightOrWrong(Object(("type", RightOrWrong(OneOf("function", "custom")), true), ("function", RightOrWrong(Function), true))), 2)), false),
        ("stream", RightOrWrong(Bool), false),
        ("user", RightOrWrong(Text), false),
        ("metadata", Any(2), false));

    /// <summary>An <c>embeddings</c> or <c>responses</c> body: a model, an input, and whatever else.</summary>
    public static Gen<JsonTree> Exact { get; } = Object(
        ("model", RightOrWrong(Gen.Frequency((4, OneOf("gpt-4o-mini", "text-embedding-3-small")), (1, Text))), true),
        ("input", RightOrWrong(Gen.Frequency((2, Text), (1, ArrayOf(Text)), (1, ArrayOf(Any(2))))), true),
        ("instructions", RightOrWrong(Text), false),
        ("dimensions", RightOrWrong(Number), false),
        ("metadata", Any(3), false));

    /// <summary>
    /// Whole bodies as bytes: mostly <paramref name="shaped"/> ones, also with a member repeated, nested thousands deep,
    /// not UTF-8, or not JSON at all.
    /// </summary>
    public static Gen<byte[]> Bytes(Gen<JsonTree> shaped) => Gen.Frequency(
        (8, shaped.Select(t => t.Utf8())),
        (1, shaped.Select(t => t is JsonObject { Members.Count: > 0 } o ? new JsonObject([.. o.Members, o.Members[0]]).Utf8() : t.Utf8())),
        (1, Hostile.DeepJson.Select(System.Text.Encoding.UTF8.GetBytes)),
        (1, Hostile.BrokenBytes),
        (1, Hostile.JsonValue(3).Select(System.Text.Encoding.UTF8.GetBytes)));
}
