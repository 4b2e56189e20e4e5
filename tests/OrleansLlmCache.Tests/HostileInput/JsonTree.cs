using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace OrleansLlmCache.Tests.HostileInput;

/// <summary>
/// A JSON value as a tree the tests can change in one leaf and write in any member order: leaves are kept as JSON text
/// (numbers exactly as written, strings as <see cref="Hostile.JsonString"/> escapes them, so lone surrogates survive).
/// </summary>
internal abstract record JsonTree
{
    public abstract void Write(StringBuilder builder, bool reversed);

    public string Render(bool reversed = false)
    {
        var builder = new StringBuilder();
        Write(builder, reversed);
        return builder.ToString();
    }

    public byte[] Utf8(bool reversed = false) => Encoding.UTF8.GetBytes(Render(reversed));

    public override string ToString() => Hostile.Show(Render());

    /// <summary>Every leaf with its path of member names and indexes.</summary>
    public IEnumerable<(string Path, JsonLeaf Leaf)> Leaves(string path = "")
    {
        switch (this)
        {
            case JsonLeaf leaf:
                yield return (path, leaf);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Items.Count; i++)
                {
                    foreach (var inner in array.Items[i].Leaves($"{path}[{i}]"))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonObject obj:
                foreach (var (name, value) in obj.Members)
                {
                    foreach (var inner in value.Leaves(path.Length == 0 ? name : $"{path}.{name}"))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    /// <summary>The tree with the leaf at <paramref name="target"/> (the same object) replaced by <paramref name="replacement"/>.</summary>
    public JsonTree Replace(JsonLeaf target, JsonTree replacement) => this switch
    {
        _ when ReferenceEquals(this, target) => replacement,
        JsonArray array => new JsonArray([.. array.Items.Select(i => i.Replace(target, replacement))]),
        JsonObject obj => new JsonObject([.. obj.Members.Select(m => (m.Name, m.Value.Replace(target, replacement)))]),
        _ => this,
    };

    public static JsonLeaf Str(string text) => new(Hostile.JsonString(text), text);

    public static JsonLeaf Raw(string json) => new(json, null);

    public static JsonTree Obj(params (string Name, JsonTree Value)[] members) => new JsonObject([.. members]);

    /// <summary>Any JSON value, the leaves hostile, up to <paramref name="depth"/> levels.</summary>
    public static Gen<JsonTree> Any(int depth)
    {
        var leaf = Gen.Frequency(
            (3, Hostile.Text.Select(t => (JsonTree)Str(t))),
            (2, Hostile.JsonNumber.Select(n => (JsonTree)Raw(n))),
            (1, Gen.Elements("true", "false", "null").Select(v => (JsonTree)Raw(v))));
        if (depth <= 0)
        {
            return leaf;
        }

        var items = Gen.Sized(size => Any(depth - 1).ListOf(Math.Min(size, 4)));
        return Gen.Frequency(
            (4, leaf),
            (1, items.Select(i => (JsonTree)new JsonArray([.. i]))),
            (1, Gen.Zip(Gen.Frequency((3, Gen.Elements("type", "text", "name", "a", "b")), (1, Hostile.Text)).ListOf(4), items)
                .Select(t => (JsonTree)new JsonObject([.. t.Item1.Zip(t.Item2, (n, v) => (n, v)).DistinctBy(m => m.n, StringComparer.Ordinal)]))));
    }

    /// <summary><paramref name="right"/> most of the time, otherwise any value (a wrong type, a hostile string).</summary>
    public static Gen<JsonTree> RightOrWrong(Gen<JsonTree> right) => Gen.Frequency((4, right), (1, Any(2)));

    /// <summary>An object that has each optional member or not.</summary>
    public static Gen<JsonTree> Object(params (string Name, Gen<JsonTree> Value, bool Required)[] members) =>
        Gen.CollectToList(members.Select(m => m.Required
                ? m.Value.Select(v => ((string, JsonTree)?)(m.Name, v))
                : Gen.Frequency((1, m.Value.Select(v => ((string, JsonTree)?)(m.Name, v))), (2, Gen.Constant<(string, JsonTree)?>(null)))))
            .Select(list => (JsonTree)new JsonObject([.. list.Where(m => m is not null).Select(m => m!.Value)]));
}

internal sealed record JsonLeaf(string Json, string? Text) : JsonTree
{
    public override void Write(StringBuilder builder, bool reversed) => builder.Append(Json);

    /// <summary>
    /// A different value for this leaf, as close as can be: a string one character off, a number with one more digit,
    /// a boolean flipped, null made 0.
    /// </summary>
    public JsonLeaf Changed(int how)
    {
        if (Text is not null)
        {
            return Str(PromptKeyProperties.Perturb(Text, how % 3));
        }

        return Json switch
        {
            "true" => Raw("false"),
            "false" => Raw("true"),
            "null" => Raw("0"),
            _ => Raw(MoreDigits(Json)),
        };
    }

    // One more digit in the fraction: 0.7 -> 0.71, 5 -> 5.1, 1e400 -> 1.1e400. Always another number.
    private static string MoreDigits(string number)
    {
        var e = number.IndexOfAny(['e', 'E']);
        var (mantissa, exponent) = e < 0 ? (number, string.Empty) : (number[..e], number[e..]);
        return (mantissa.Contains('.', StringComparison.Ordinal) ? mantissa + "1" : mantissa + ".1") + exponent;
    }
}

internal sealed record JsonArray(List<JsonTree> Items) : JsonTree
{
    public override void Write(StringBuilder builder, bool reversed)
    {
        builder.Append('[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            Items[i].Write(builder, reversed);
        }

        builder.Append(']');
    }
}

internal sealed record JsonObject(List<(string Name, JsonTree Value)> Members) : JsonTree
{
    public override void Write(StringBuilder builder, bool reversed)
    {
        builder.Append('{');
        var members = reversed ? Members.AsEnumerable().Reverse() : Members;
        var first = true;
        foreach (var (name, value) in members)
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            builder.Append(Hostile.JsonString(name)).Append(':');
            value.Write(builder, reversed);
        }

        builder.Append('}');
    }
}
