using System.Text.Json;
using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Tests.Abstractions;

/// <summary>
/// The five-field key must be byte-for-byte the one the article's <c>create_cache_key(prompt, model, temperature,
/// max_tokens, system_prompt: str = "")</c> gives. The vectors were computed by that function itself
/// (make_python_key_vectors.py): non-ASCII, control characters, quotes, emoji, awkward floats and 200 random requests,
/// some called without a system prompt so that Python's default applies.
/// </summary>
public sealed class PythonKeyCompatibilityTests
{
    public static TheoryData<int> VectorIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Vectors.Value.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    private static readonly Lazy<IReadOnlyList<JsonElement>> Vectors = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Abstractions", "python-key-vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    });

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void PromptRequest_Key_MatchesPythonSeedFunction(int index)
    {
        var vector = Vectors.Value[index];
        var prompt = vector.GetProperty("prompt").GetString()!;
        var model = vector.GetProperty("model").GetString()!;
        var temperature = vector.GetProperty("temperature").GetDouble();
        var maxTokens = vector.GetProperty("max_tokens").GetInt32();

        // A vector without system_prompt was made by calling the Python function without it: leave it out here too.
        var request = vector.TryGetProperty("system_prompt", out var system)
            ? new PromptRequest(prompt, model, temperature, maxTokens, system.GetString()!)
            : new PromptRequest(prompt, model, temperature, maxTokens);

        Assert.Equal(vector.GetProperty("canonical").GetString(), request.ToCanonicalJson());
        Assert.Equal(vector.GetProperty("key").GetString(), request.ComputeHash());
    }

    [Fact]
    public void PromptRequest_ExplicitNullSystemPrompt_IsTheSameRequestAsNone()
    {
        // Python has no key for "no system prompt" other than "": a null from C# callers means the same thing.
        var withNull = new PromptRequest("Explain quantum computing", "gpt-4", 0.7, 500, null!);
        var without = new PromptRequest("Explain quantum computing", "gpt-4", 0.7, 500);

        Assert.Equal("", withNull.SystemPrompt);
        Assert.Equal(without, withNull);
        Assert.Equal(without.ComputeHash(), withNull.ComputeHash());
        Assert.Equal(without.ComputeHash(), (without with { SystemPrompt = null! }).ComputeHash());
    }

    [Fact]
    public void Vectors_CoverTheAwkwardCases()
    {
        var all = Vectors.Value.Select(v => v.GetProperty("canonical").GetString()!).ToList();
        Assert.True(all.Count >= 200, "expected at least 200 Python vectors");
        Assert.True(Vectors.Value.Count(v => !v.TryGetProperty("system_prompt", out _)) >= 50, "expected vectors made with Python's default system prompt");
        Assert.Contains(all, c => c.Contains("\"system_prompt\": \"\"", StringComparison.Ordinal));
        Assert.Contains(all, c => c.Contains("\\ud83d\\ude00", StringComparison.Ordinal)); // emoji as a surrogate pair
        Assert.Contains(all, c => c.Contains("\\u0000", StringComparison.Ordinal));
        Assert.Contains(all, c => c.Contains("\"temperature\": 1e-05", StringComparison.Ordinal));
        Assert.Contains(all, c => c.Contains("\"temperature\": 1e+16", StringComparison.Ordinal));
        Assert.Contains(all, c => c.Contains("\"temperature\": 0.0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.7, "0.7")]
    [InlineData(1.0, "1.0")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void FormatFloat_WritesPythonRepr(double value, string expected) =>
        Assert.Equal(expected, PythonJson.FormatFloat(value));

    [Fact]
    public void Dumps_SortsKeysAndUsesPythonSeparators() =>
        Assert.Equal("{\"a\": [1, true, null], \"b\": \"\\u00e9\"}", PythonJson.Dumps(new Dictionary<string, object?> { ["b"] = "é", ["a"] = new object?[] { 1, true, null } }));
}
