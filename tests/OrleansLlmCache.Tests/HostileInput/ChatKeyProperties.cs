using System.Runtime.InteropServices;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Client.Chat;

namespace OrleansLlmCache.Tests.HostileInput;

/// <summary>
/// The chat canonical form (<see cref="ChatCacheKey"/>) under hostile messages and options: a key, or "not cacheable"
/// (the exceptions the middleware and the gateway turn into an uncached call), never anything else; two requests that
/// differ in what the origin is asked never share a key; requests the contract calls equal (stop sequences in any order,
/// JSON members in any order) always do.
/// </summary>
public sealed class ChatKeyProperties
{
    /// <summary>Numbers a lossy reading (to double or float) would make equal: each differs from its partner.</summary>
    private static readonly (string, string)[] NearNumbers =
    [
        ("18446744073709551616", "18446744073709551617"),
        ("123456789012345678901234567890", "123456789012345678901234567891"),
        ("1e400", "1e500"),
        ("-1e400", "-1e309"),
        ("1e-400", "1e-401"),
        ("0.70000000000000001", "0.70000000000000002"),
    ];

    private sealed record Part(int Kind, string Text, string Json);

    private sealed record Message(string Role, string? Author, List<Part> Parts);

    private sealed record ChatCase(List<Message> Messages, string? Instructions, float? Temperature, List<string> Stops, List<(string Name, string Json)> Extra)
    {
        public override string ToString() =>
            $"messages: [{string.Join(", ", Messages.Select(m => $"{Hostile.Show(m.Role)}/{Hostile.Show(m.Author)}: [{string.Join(", ", m.Parts.Select(p => $"{p.Kind}:{Hostile.Show(p.Text)}:{Hostile.Show(p.Json)}"))}]"))}], "
            + $"instructions {Hostile.Show(Instructions)}, temperature {Temperature:R}, stops [{string.Join(", ", Stops.Select(Hostile.Show))}], "
            + $"extra [{string.Join(", ", Extra.Select(e => $"{Hostile.Show(e.Name)}={Hostile.Show(e.Json)}"))}]";
    }

    private static readonly Gen<string> NumberJson = Gen.Elements(NearNumbers).SelectMany(p => Gen.Elements(p.Item1, p.Item2)).Select(n => $"{{\"n\":{n}}}");

    private static readonly Gen<Part> PartGen =
        from kind in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)), (2, Gen.Constant(3)))
        from text in Hostile.Text
        from json in Gen.Frequency((2, Hostile.JsonValue(3)), (1, NumberJson))
        select new Part(kind, text, json);

    private static readonly Gen<Message> MessageGen =
        from role in Gen.Frequency((4, Gen.Elements("user", "assistant", "system", "tool")), (1, Hostile.Text.Where(t => !string.IsNullOrWhiteSpace(t))))
        from author in Hostile.Text.OrNull()
        from parts in PartGen.ListOf(3)
        select new Message(role, author, [.. parts]);

    private static readonly Gen<ChatCase> CaseGen =
        from messages in MessageGen.NonEmptyListOf().Select(l => l.Take(4).ToList())
        from instructions in Hostile.Text.OrNull()
        from temperature in Gen.Elements<float?>(null, 0f, 0.7f, 1f, float.Epsilon, float.MaxValue, float.NaN, float.PositiveInfinity, -0f)
        from stops in Hostile.Text.ListOf(3)
        from extra in Gen.Zip(Hostile.Text, Gen.Frequency((2, Hostile.JsonValue(2)), (1, NumberJson))).ListOf(3)
        select new ChatCase(messages, instructions, temperature, [.. stops], [.. extra.DistinctBy(e => e.Item1, StringComparer.Ordinal)]);

    [Property(MaxTest = 300)]
    public Property AnyRequest_GetsAKey_OrIsNotCacheable() => Prop.ForAll(Hostile.Arb(CaseGen), chat =>
    {
        var (messages, options) = Build(chat);
        try
        {
            var hash = ChatCacheKey.TryCompute(messages, options, null, out var reason);
            Assert.True(hash is not null || reason is not null);
            ChatCacheKey.TryCanonicalizeScope(messages, options, null, out _);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            // The documented "cannot be keyed": the middleware and the gateway send such a request on, uncached.
        }
    });

    [Property(MaxTest = 150)]
    public Property TwoRequests_ThatDifferInWhatTheOriginIsAsked_NeverShareAKey() => Prop.ForAll(
        Hostile.Arb(CaseGen.SelectMany(c => Gen.Choose(0, 9).SelectMany(change => Gen.Choose(0, 1000).Select(at => (Case: c, Other: Mutate(c, change, at)))))),
        pair =>
        {
            var first = TryKey(pair.Case);
            var second = TryKey(pair.Other);
            if (first is null || second is null)
            {
                return;
            }

            Assert.True(first != second, $"one key for two requests:\n{pair.Case}\n{pair.Other}");
        });

    [Property(MaxTest = 100)]
    public Property StopSequencesInAnyOrder_AndJsonMembersInAnyOrder_AreOneRequest() => Prop.ForAll(
        Hostile.Arb(CaseGen.SelectMany(c => Gen.Zip(Gen.Shuffle(c.Stops.Concat(c.Stops.Take(1)).ToArray()), Gen.Shuffle(c.Extra.ToArray())).Select(t => (Case: c, Other: c with
        {
            Stops = [.. t.Item1],
            Extra = [.. t.Item2],
            Messages = [.. c.Messages.Select(m => m with { Parts = [.. m.Parts.Select(p => p with { Json = Reorder(p.Json) })] })],
        })))),
        pair => Assert.Equal(TryKey(pair.Case), TryKey(pair.Other)));

    private static string? TryKey(ChatCase chat)
    {
        var (messages, options) = Build(chat);
        try
        {
            return ChatCacheKey.TryCompute(messages, options, null, out _);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static (List<ChatMessage> Messages, ChatOptions Options) Build(ChatCase chat)
    {
        var messages = chat.Messages.Select(m => new ChatMessage(new ChatRole(m.Role), [.. m.Parts.Select(Content)]) { AuthorName = m.Author }).ToList();
        var options = new ChatOptions { ModelId = "gpt-4o-mini", Instructions = chat.Instructions, Temperature = chat.Temperature };
        if (chat.Stops.Count > 0)
        {
            options.StopSequences = [.. chat.Stops];
        }

        foreach (var (name, json) in chat.Extra)
        {
            (options.AdditionalProperties ??= [])[name] = Element(json);
        }

        return (messages, options);
    }

    private static AIContent Content(Part part) => part.Kind switch
    {
        0 => new TextContent(part.Text),

        // The text's UTF-16 code units as bytes: a lone surrogate is kept, not replaced.
        1 => new DataContent(MemoryMarshal.AsBytes(part.Text.AsSpan()).ToArray(), "application/octet-stream"),
        2 => new FunctionCallContent("call_1", "lookup", new Dictionary<string, object?> { ["query"] = part.Text }),
        _ => new AIContent { AdditionalProperties = new() { ["openai.content_part"] = Element(part.Json) } },
    };

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The request changed in one place, a little: a character, a role, an author, a number, a stop sequence.</summary>
    private static ChatCase Mutate(ChatCase chat, int change, int at)
    {
        var messages = chat.Messages.Select(m => m with { Parts = [.. m.Parts] }).ToList();
        var message = messages[at % messages.Count];
        switch (change)
        {
            case 0 when message.Parts.Count > 0:
                var part = message.Parts[at % message.Parts.Count];
                message.Parts[at % message.Parts.Count] = part.Kind == 3 ? part with { Json = Partner(part.Json) } : part with { Text = PromptKeyProperties.Perturb(part.Text, at % 3) };
                break;
            case 1:
                messages[at % messages.Count] = message with { Role = message.Role == "user" ? "assistant" : "user" };
                break;
            case 2:
                // A blank author name is none to ChatMessage: the change is from none to one, or back.
                messages[at % messages.Count] = message with { Author = string.IsNullOrWhiteSpace(message.Author) ? "\0" : null };
                break;
            case 3:
                return chat with { Instructions = chat.Instructions is null ? string.Empty : PromptKeyProperties.Perturb(chat.Instructions, at % 3) };
            case 4 when chat.Temperature is { } t && float.IsFinite(t):
                return chat with { Temperature = MathF.BitIncrement(t) };
            case 5:
                return chat with { Stops = [.. chat.Stops, string.Concat(chat.Stops) + "\0"] };
            case 6 when chat.Extra.Count > 0:
                var (name, json) = chat.Extra[at % chat.Extra.Count];
                return chat with { Extra = [.. chat.Extra.Select(e => e.Name == name ? (Name: name, Json: Partner(json)) : e)] };
            case 7:
                messages.Add(new Message("user", null, [new Part(0, string.Empty, "null")]));
                break;
            case 8 when message.Parts.Count > 1:
                // Two parts become one: "a" + "b" is not the request ["a", "b"].
                messages[at % messages.Count] = message with { Parts = [.. message.Parts.Skip(1)] };
                break;
            default:
                messages[at % messages.Count] = message with { Parts = [.. message.Parts, new Part(0, "\0", "null")] };
                break;
        }

        return chat with { Messages = messages };
    }

    /// <summary>A near number's partner, or the value wrapped in an array: always a different JSON value.</summary>
    private static string Partner(string json)
    {
        foreach (var (a, b) in NearNumbers)
        {
            if (json == $"{{\"n\":{a}}}")
            {
                return $"{{\"n\":{b}}}";
            }

            if (json == $"{{\"n\":{b}}}")
            {
                return $"{{\"n\":{a}}}";
            }
        }

        return "[" + json + "]";
    }

    /// <summary>An object's members in reverse order (only when its names are distinct: duplicates are their own question).</summary>
    private static string Reorder(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return json;
        }

        var members = document.RootElement.EnumerateObject().Select(p => (Name: System.Text.Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8PropertyName(p)), Raw: p.Value.GetRawText())).ToList();
        return members.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() != members.Count
            ? json
            : "{" + string.Join(",", members.AsEnumerable().Reverse().Select(m => $"\"{m.Name}\":{m.Raw}")) + "}";
    }
}
