using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OrleansLlmCache.Cli.Commands;
using OrleansLlmCache.Cli.Demo;
using OrleansLlmCache.Embeddings.Evaluation;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.HostileInput;

/// <summary>
/// The <c>llmcache</c> command line and the files it reads under hostile values: a result, or exit code 2 with one
/// <c>error:</c> line that names the option (the bad value quoted with its control characters escaped), never a stack
/// trace. Every command here fails before it would connect to a cluster.
/// </summary>
public sealed class CliProperties
{
    private static readonly Gen<string> Number = Gen.Frequency(
        (2, Hostile.JsonNumber),
        (1, Gen.Elements("abc", "", " ", "NaN", "-Infinity", "0x10", "1_000", "١", "\u00a01", "1\0", "+5", "--1")),
        (1, Hostile.Text));

    [Property(MaxTest = 150)]
    public Property Key_WithAnyValues_PrintsAKey_OrOneErrorLine() => Prop.ForAll(
        Hostile.Arb(Gen.Zip(Hostile.Text.Two(), Gen.Zip(Number.Two(), Hostile.Text.OrNull()))),
        async values =>
        {
            var ((prompt, model), ((temperature, maxTokens), system)) = values;
            // --option=value: a value such as "--" or "@file" stays a value, as a shell user would quote it.
            string[] args = ["key", "--prompt=" + prompt, "--model=" + model, "--temperature=" + temperature, "--max-tokens=" + maxTokens, .. system is null ? [] : new[] { "--system=" + system }];
            var (exitCode, output) = await CliRunner.RunAsync(args);
            if (exitCode == 0)
            {
                Assert.Matches("^[0-9a-f]{64}$", output.Trim());
                return;
            }

            AssertOneErrorLine(exitCode, output);
        });

    [Property(MaxTest = 150)]
    public Property Set_WithAnyKeyOrTimeToLive_NamesTheFirstBadOption() => Prop.ForAll(
        Hostile.Arb(Gen.Zip(
            Gen.Frequency((1, Gen.Constant("acme")), (1, Hostile.Text)).Two(),
            Gen.Zip(Gen.Frequency((1, Gen.Constant("k1")), (1, Hostile.Text)), Gen.Frequency((1, Gen.Elements("1h", "7d", "none", "01:30:00", "400d", "0s", "-1h", "1e309s", "NaNm")), (1, Hostile.Text))))),
        async values =>
        {
            var ((tenant, ns), (key, ttl)) = values;

            // --gateway is never host:port: a command whose other values are all good stops there, before connecting.
            var (exitCode, output) = await CliRunner.RunAsync(
                "set", "--gateway=no-port", "--tenant=" + tenant, "--namespace=" + ns, "--key=" + key, "--model=m", "--response=r", "--ttl=" + ttl);
            AssertOneErrorLine(exitCode, output);
            var line = output.Trim();
            // An empty value is a parse error, found before the others; otherwise the key's parts come first, then --ttl.
            string[] bad = [.. new[] { BadPart(tenant, "tenant"), BadPart(ns, "namespace"), BadPart(key, "key"), TtlIsGood(ttl) ? null : "--ttl" }.OfType<string>()];
            Assert.True(bad.Length == 0 ? line.Contains("--gateway", StringComparison.Ordinal) : bad.Any(b => line.Contains(b, StringComparison.Ordinal)), Hostile.Show(line));
        });

    [Property(MaxTest = 200)]
    public Property AnyWorkloadLine_IsARequest_OrARefusalNamingTheLine() => Prop.ForAll(
        Hostile.Arb(Gen.Frequency(
            (3, JsonTree.Object(
                ("type", JsonTree.RightOrWrong(Gen.Constant<JsonTree>(JsonTree.Str("faq"))), true),
                ("namespace", JsonTree.RightOrWrong(Gen.Constant<JsonTree>(JsonTree.Str("support"))), true),
                ("model", JsonTree.RightOrWrong(Gen.Constant<JsonTree>(JsonTree.Str("gpt-4o-mini"))), true),
                ("system", JsonTree.Any(1), false),
                ("temperature", JsonTree.RightOrWrong(Hostile.JsonNumber.Select(n => (JsonTree)JsonTree.Raw(n))), false),
                ("max_tokens", JsonTree.RightOrWrong(Hostile.JsonNumber.Select(n => (JsonTree)JsonTree.Raw(n))), false),
                ("messages", JsonTree.RightOrWrong(JsonTree.Object(
                    ("role", JsonTree.RightOrWrong(Gen.Constant<JsonTree>(JsonTree.Str("user"))), true),
                    ("content", JsonTree.RightOrWrong(Hostile.Text.Select(t => (JsonTree)JsonTree.Str(t))), true)).ListOf(3).Select(l => (JsonTree)new JsonArray([.. l]))), true)).Select(t => t.Render())),
            (1, Hostile.DeepJson),
            (1, Hostile.Text))),
        line =>
        {
            var path = Path.Combine(Path.GetTempPath(), $"llmcache-workload-{Guid.NewGuid():N}.jsonl");
            File.WriteAllText(path, "\n" + line.Replace('\n', ' ').Replace('\r', ' ') + "\n", new UTF8Encoding(false));
            try
            {
                var requests = Workload.LoadFile(path);
                Assert.All(requests, r => Assert.All(r.Messages, m => Assert.False(string.IsNullOrWhiteSpace(m.Role))));
            }
            catch (CommandFailure failure)
            {
                Assert.Contains($"{path}, line 2", failure.Message, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(path);
            }
        });

    [Property(MaxTest = 200)]
    public Property PairsWrittenAsCsv_ReadBackAsThemselves() => Prop.ForAll(
        Hostile.Arb(Gen.Zip(Gen.Zip(Hostile.Text, Hostile.Text, (a, b) => (a, b)).Select(p => (p.a, p.b)).ListOf(4), Gen.Elements(',', '\t'))),
        input =>
        {
            var (texts, separator) = input;
            var pairs = texts.Select((t, i) => new SemanticPair(t.Item1, t.Item2, i % 2 == 0)).ToList();
            var csv = new StringBuilder($"sentence1{separator}sentence2{separator}label\n");
            foreach (var pair in pairs)
            {
                csv.Append(Quote(pair.Prompt)).Append(separator).Append(Quote(pair.CachedPrompt)).Append(separator).Append(pair.SameMeaning ? '1' : '0').Append('\n');
            }

            Assert.Equal(pairs, SemanticPairFile.ParseCsv(csv.ToString()));
        });

    [Property(MaxTest = 300)]
    public Property AnyPairFile_IsPairs_OrAFormatExceptionNamingWhere() => Prop.ForAll(
        Hostile.Arb(Gen.Frequency(
            (2, Hostile.Text.Select(t => "sentence1,sentence2,label\n" + t)),
            (1, Hostile.Text.Select(t => "question1\tquestion2\tis_duplicate\r\n" + t)),
            (2, JsonTree.Object(("origin", JsonTree.RightOrWrong(Hostile.Text.Select(t => (JsonTree)JsonTree.Str(t))), true), ("similar", JsonTree.RightOrWrong(Hostile.Text.Select(t => (JsonTree)JsonTree.Str(t))), true))
                .ListOf(3).Select(l => new JsonArray([.. l]).Render())),
            (1, Hostile.DeepJson),
            (1, Hostile.Text))),
        text =>
        {
            var path = Path.Combine(Path.GetTempPath(), $"llmcache-pairs-{Guid.NewGuid():N}.csv");
            File.WriteAllText(path, text, new UTF8Encoding(false));
            try
            {
                var pairs = SemanticPairFile.Load(path);
                Assert.All(pairs, p => Assert.NotNull(p.Prompt));
            }
            catch (FormatException ex)
            {
                Assert.StartsWith(path + ":", ex.Message, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(path);
            }
        });

    [Fact]
    public void AnUnclosedQuote_IsRefusedNamingItsLine()
    {
        var error = Assert.Throws<FormatException>(() => SemanticPairFile.ParseCsv("sentence1,sentence2,label\na,b,1\n\"c,d,0\ne,f,1\n"));
        Assert.Contains("line 3 is never closed", error.Message, StringComparison.Ordinal);
    }

    private static string Quote(string field) => "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void AssertOneErrorLine(int exitCode, string output)
    {
        Assert.Equal(ExitCodes.Usage, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.True(lines.Length <= 2 && lines.Skip(1).All(l => l.StartsWith("Run 'llmcache", StringComparison.Ordinal)), Hostile.Show(output));
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotMatch("[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]", output);
        Assert.DoesNotMatch("[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]", output);
    }

    private static string? BadPart(string value, string field)
    {
        try
        {
            OrleansLlmCache.Abstractions.Keys.CacheKey.ValidatePart(value, field, field == "key" ? 256 : 64);
            return null;
        }
        catch (ArgumentException)
        {
            return field;
        }
    }

    private static bool TtlIsGood(string ttl)
    {
        try
        {
            CommonOptions.ParseTimeToLive(ttl);
            return true;
        }
        catch (CommandFailure)
        {
            return false;
        }
    }
}
