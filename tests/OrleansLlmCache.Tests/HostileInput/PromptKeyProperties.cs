using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Tests.HostileInput;

/// <summary>
/// The five-field key (<see cref="PromptRequest"/>, Python's <c>create_cache_key</c>) and <see cref="CacheKey"/> under
/// hostile input: a key or an <see cref="ArgumentException"/> naming the field, never anything else; two requests that
/// differ in any field never share a key.
/// </summary>
public sealed class PromptKeyProperties
{
    private static readonly string[] Fields = ["prompt", "model", "temperature", "max_tokens", "system_prompt"];

    private static readonly Gen<double> Temperature = Gen.Frequency(
        (3, Gen.Elements(0.0, -0.0, 0.7, 1.0, 2.0, -1.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, double.NaN,
            double.PositiveInfinity, double.NegativeInfinity, 1e-5, 1e16, 1e22, 0.1 + 0.2)),
        (2, Gen.Choose(0, 2000).Select(i => i / 1000.0)),
        (1, Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t => BitConverter.Int64BitsToDouble(((long)t.Item1 << 32) | (uint)t.Item2))));

    private static readonly Gen<int> MaxTokens = Gen.Frequency(
        (2, Gen.Elements(0, 1, -1, int.MaxValue, int.MinValue, 4096)),
        (1, Gen.Choose(-10, 100_000)));

    private static readonly Gen<PromptRequest> Request =
        from prompt in Hostile.Text
        from model in Gen.Frequency((3, Gen.Elements("gpt-4", "gpt-4o-mini", "claude-3")), (2, Hostile.Text))
        from temperature in Temperature
        from maxTokens in MaxTokens
        from system in Hostile.Text.OrNull()
        select new PromptRequest(prompt, model, temperature, maxTokens, system);

    [Property(MaxTest = 300)]
    public Property AnyRequest_GetsAKey_OrARefusalNamingTheField() => Prop.ForAll(Hostile.Arb(Request), request =>
    {
        string hash;
        try
        {
            hash = request.ComputeHash();
        }
        catch (ArgumentException ex)
        {
            Assert.Contains(ex.ParamName, (IEnumerable<string?>)Fields);
            Assert.Contains(ex.ParamName!.Replace("_prompt", " prompt", StringComparison.Ordinal), ex.Message, StringComparison.Ordinal);
            return;
        }

        Assert.Matches("^[0-9a-f]{64}$", hash);

        // What is hashed is one line of printable ASCII (Python's ensure_ascii): no character can be lost on the way.
        Assert.Matches("^[ -~]*$", request.ToCanonicalJson());
        Assert.Equal(hash, request.ToCacheKey("t", "n").Id);
    });

    [Property(MaxTest = 300)]
    public Property TwoRequests_ThatDifferInAField_NeverShareAKey() => Prop.ForAll(
        Hostile.Arb(Request.SelectMany(r => Gen.Choose(0, 11).Select(change => (Request: r, Other: Mutate(r, change))))),
        pair =>
        {
            var (first, second) = (TryHash(pair.Request), TryHash(pair.Other));
            if (first is null || second is null)
            {
                return;
            }

            Assert.True(first != second, $"one key for two requests: {Describe(pair.Request)} and {Describe(pair.Other)}");
        });

    [Fact]
    public void NoSystemPrompt_AndAnEmptyOne_AreOneRequest() =>
        Assert.Equal(new PromptRequest("p", "m", 0.5, 1, null).ComputeHash(), new PromptRequest("p", "m", 0.5, 1).ComputeHash());

    [Property(MaxTest = 500)]
    public Property AnyGrainKey_ParsesBackToItself_OrIsRefusedNamingThePart() => Prop.ForAll(
        Hostile.Arb(Gen.Frequency<string>(
            (2, Hostile.Text),
            (2, Hostile.Text.Three().Select(t => $"{t.Item1}/{t.Item2}/{t.Item3}")),
            (1, Gen.Elements("a/b/c", "a/b/" + new string('k', 256), "a/b/" + new string('k', 257), new string('t', 65) + "/b/c", "a//c", "/a/b", "a/b/c/", "t/n/\ud800")))),
        text =>
        {
            CacheKey key;
            try
            {
                key = CacheKey.Parse(text);
            }
            catch (ArgumentException ex)
            {
                Assert.Contains(ex.ParamName, (IEnumerable<string?>)["grainKey", "tenant", "namespace", "key"]);
                Assert.Contains(ex.ParamName == "grainKey" ? "tenant/namespace/id" : ex.ParamName!, ex.Message, StringComparison.Ordinal);
                return;
            }

            Assert.Equal(text, key.ToGrainKey());
            Assert.Equal(key, CacheKey.Parse(key.ToGrainKey()));
            Assert.True(key.Tenant.Length <= LlmCacheLimits.MaxTenantLength && key.Id.Length <= LlmCacheLimits.MaxKeyLength);
        });

    private static string? TryHash(PromptRequest request)
    {
        try
        {
            return request.ComputeHash();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The request with one field changed a little: one character, one bit of the temperature, one token.</summary>
    private static PromptRequest Mutate(PromptRequest request, int change) => change switch
    {
        0 => request with { Prompt = Perturb(request.Prompt, 0) },
        1 => request with { Prompt = Perturb(request.Prompt, 1) },
        2 => request with { Prompt = Perturb(request.Prompt, 2) },
        3 => request with { Model = Perturb(request.Model, 0) },
        4 => request with { Model = Perturb(request.Model, 2) },
        5 => request with { SystemPrompt = Perturb(request.SystemPrompt, 0) },
        6 => request with { SystemPrompt = Perturb(request.SystemPrompt, 1) },
        7 => request with { Temperature = Math.BitIncrement(request.Temperature) },
        8 => request with { Temperature = Math.BitDecrement(request.Temperature) },
        9 => request with { MaxTokens = request.MaxTokens == int.MaxValue ? 0 : request.MaxTokens + 1 },

        // Text moved between the prompt and the system prompt is a different request.
        10 => request with { Prompt = request.Prompt + "x", SystemPrompt = request.SystemPrompt.Length > 0 ? request.SystemPrompt[..^1] : "y" },
        _ => request with { Prompt = request.SystemPrompt, SystemPrompt = request.Prompt + "\0" },
    };

    /// <summary>
    /// A different text as close to <paramref name="text"/> as can be: a lone surrogate turned into its mate or into the
    /// replacement character (what a lossy UTF-8 encoder would make of it), a NUL appended, a character dropped.
    /// </summary>
    public static string Perturb(string text, int how)
    {
        var lone = text.AsSpan().IndexOfAnyInRange('\ud800', '\udfff');
        return how switch
        {
            0 when lone >= 0 => text[..lone] + (text[lone] == '\ud800' ? '\ufffd' : '\ud800') + text[(lone + 1)..],
            0 => text + "\ud800",
            1 when text.Length > 0 => text[..^1],
            1 => "\0",
            _ => text + "\0",
        };
    }

    private static string Describe(PromptRequest r) =>
        $"({Hostile.Show(r.Prompt)}, {Hostile.Show(r.Model)}, {r.Temperature:R}, {r.MaxTokens}, {Hostile.Show(r.SystemPrompt)})";
}
