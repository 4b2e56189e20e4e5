using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrleansLlmCache.Client.Chat;
using OrleansLlmCache.Gateway.Chat;
using OrleansLlmCache.Gateway.Exact;
using OrleansLlmCache.Gateway.Http;

namespace OrleansLlmCache.Tests.HostileInput;

/// <summary>
/// The gateway's reading of request bodies, exactly as its endpoints do it, under hostile bodies: a request and its key,
/// or a refusal whose message names the field (and whose <c>param</c> is that field), never an exception; two bodies that
/// differ in one value never share a key; the same body with its members in another order always does.
/// </summary>
public sealed class GatewayRequestProperties
{
    /// <summary>Members that change how an answer is delivered, or act as a set: left out of the one-value-differs property.</summary>
    private static readonly string[] NotInTheKey = ["stream", "stream_options", "stop"];

    [Property(MaxTest = 400)]
    public Property AnyChatBody_IsReadWithAKey_OrRefusedNamingTheField() => Prop.ForAll(Hostile.Arb(HostileBodies.Bytes(HostileBodies.Chat)), body =>
    {
        var (key, problem) = ReadChat(body);
        Assert.True(key is not null || problem is not null);
        if (problem is not null)
        {
            AssertNamesTheField(problem);
        }
    });

    [Property(MaxTest = 400)]
    public Property AnyExactBody_IsReadWithAKey_OrRefusedNamingTheField() => Prop.ForAll(Hostile.Arb(HostileBodies.Bytes(HostileBodies.Exact)), body =>
    {
        var (key, problem) = ReadExact(body);
        Assert.True(key is not null || problem is not null);
        if (problem is not null)
        {
            AssertNamesTheField(problem);
        }
    });

    [Property(MaxTest = 300)]
    public Property TwoChatBodies_ThatDifferInOneValue_NeverShareAKey() => Prop.ForAll(
        Hostile.Arb(OneValueChanged(HostileBodies.Chat)),
        pair =>
        {
            var (first, _) = ReadChat(pair.Body.Utf8());
            var (second, _) = ReadChat(pair.Other.Utf8());
            if (first is not null and not Uncached && second is not null and not Uncached)
            {
                Assert.True(first != second, $"one key for two chat bodies:\n{pair.Body}\n{pair.Other}");
            }
        });

    [Property(MaxTest = 300)]
    public Property TwoExactBodies_ThatDifferInOneValue_NeverShareAKey() => Prop.ForAll(
        Hostile.Arb(OneValueChanged(HostileBodies.Exact)),
        pair =>
        {
            var (first, _) = ReadExact(pair.Body.Utf8());
            var (second, _) = ReadExact(pair.Other.Utf8());
            if (first is not null && second is not null)
            {
                Assert.True(first != second, $"one key for two bodies:\n{pair.Body}\n{pair.Other}");
            }
        });

    [Property(MaxTest = 300)]
    public Property ABody_WithItsMembersInAnotherOrder_HasTheSameKey() => Prop.ForAll(
        Hostile.Arb(Gen.Zip(HostileBodies.Chat, HostileBodies.Exact)),
        bodies =>
        {
            Assert.Equal(ReadChat(bodies.Item1.Utf8()).Key, ReadChat(bodies.Item1.Utf8(reversed: true)).Key);
            Assert.Equal(ReadExact(bodies.Item2.Utf8()).Key, ReadExact(bodies.Item2.Utf8(reversed: true)).Key);
        });

    [Fact]
    public void AMemberNamedTwice_IsRefusedNamingIt()
    {
        var (_, problem) = ReadChat("""{"model":"gpt-4o-mini","temperature":0,"messages":[{"role":"user","content":"Hi"}],"temperature":2}"""u8.ToArray());
        Assert.Equal("temperature", problem?.Param);
        Assert.Contains("'temperature' twice", problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALoneSurrogate_IsRefusedNamingWhereItIs()
    {
        var (_, problem) = ReadChat("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"a\ud800b"}]}"""u8.ToArray());
        Assert.Equal("messages[0].content", problem?.Param);
        Assert.Contains("\\ud800", problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TemperaturesThatOnlyAFloatWouldConfuse_AreTwoRequests()
    {
        static byte[] Body(string t) => System.Text.Encoding.UTF8.GetBytes($$"""{"model":"m","temperature":{{t}},"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.NotEqual(ReadChat(Body("0.7")).Key, ReadChat(Body("0.70000001")).Key);
        Assert.NotEqual(ReadChat(Body("1e300")).Key, ReadChat(Body("1e301")).Key);
        Assert.Equal(ReadChat(Body("0.7")).Key, ReadChat(Body("0.70")).Key);
    }

    [Fact]
    public void ToolsAndToolCalls_ThatDifferOnlyInTypeOrAnExtraMember_AreTwoRequests()
    {
        static byte[] Tools(string type) => System.Text.Encoding.UTF8.GetBytes(
            """{"model":"m","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":""" + "\"" + type + "\"" + ""","function":{"name":"f"}}]}""");
        static byte[] Call(string extra) => System.Text.Encoding.UTF8.GetBytes(
            """{"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}""" + extra + "}]}]}");
        Assert.NotEqual(ReadChat(Tools("function")).Key, ReadChat(Tools("custom")).Key);
        Assert.NotEqual(ReadChat(Call(string.Empty)).Key, ReadChat(Call(",\"x\":1")).Key);
        Assert.Null(ReadChat(Call(",\"x\":1")).Problem);
    }

    /// <summary>The "key" of a request the gateway sends on uncached, as the middleware would.</summary>
    internal const string Uncached = "(uncached)";

    /// <summary>What the chat endpoint does with a body: its key (or <see cref="Uncached"/>), or the refusal it answers 400 with.</summary>
    internal static (string? Key, BadRequest? Problem) ReadChat(byte[] body)
    {
        if (!RequestJson.TryParse(body, "a JSON object with 'model' and 'messages'", out var document, out var problem))
        {
            return (null, problem);
        }

        using (document)
        {
            if (!OpenAiChatRequest.TryRead(document.RootElement, out var request, out problem))
            {
                return (null, problem);
            }

            try
            {
                return (ChatCacheKey.TryCompute(request.Messages, request.Options, null, out _), null);
            }
            catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
            {
                return (Uncached, null); // the gateway sends it on uncached: no key to share
            }
        }
    }

    /// <summary>What the embeddings and responses endpoints do with a body: its key, or the refusal.</summary>
    internal static (string? Key, BadRequest? Problem) ReadExact(byte[] body)
    {
        if (!RequestJson.TryParse(body, "a JSON object with 'model' and 'input'", out var document, out var problem))
        {
            return (null, problem);
        }

        using (document)
        {
            return ExactRequestEndpoint.RequireModelAndInput(document.RootElement, "gpt-4o-mini", "the text") is { } refused
                ? (null, refused)
                : (CanonicalJson.Hash("test\n", document.RootElement), null);
        }
    }

    internal static void AssertNamesTheField(BadRequest problem)
    {
        Assert.False(string.IsNullOrWhiteSpace(problem.Message));
        if (problem.Code == "invalid_json")
        {
            Assert.Contains("not valid JSON", problem.Message, StringComparison.Ordinal);
            return;
        }

        Assert.Contains(problem.Param ?? "request body", problem.Message, StringComparison.Ordinal);
    }

    private static Gen<(JsonTree Body, JsonTree Other)> OneValueChanged(Gen<JsonTree> bodies) =>
        from body in bodies
        let leaves = body.Leaves().Where(l => !NotInTheKey.Any(n => l.Path == n || l.Path.StartsWith(n + ".", StringComparison.Ordinal) || l.Path.StartsWith(n + "[", StringComparison.Ordinal))).ToList()
        where leaves.Count > 0
        from at in Gen.Choose(0, leaves.Count - 1)
        from how in Gen.Choose(0, 2)
        select (body, body.Replace(leaves[at].Leaf, leaves[at].Leaf.Changed(how)));
}
