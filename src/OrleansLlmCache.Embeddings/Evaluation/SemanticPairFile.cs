using System.Text;
using System.Text.Json;

namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>
/// Reads labelled prompt pairs: a CSV with the header <c>sentence1,sentence2,label</c> (label 1 = same meaning, 0 = not),
/// or GPTCache's JSON <c>[{"origin": ..., "similar": ...}]</c>, whose pairs are all paraphrases.
/// </summary>
public static class SemanticPairFile
{
    /// <summary>Reads <paramref name="path"/>; JSON when its first character is '[', CSV otherwise.</summary>
    /// <exception cref="FormatException">The file is neither form; the message names the line or entry that is wrong.</exception>
    public static IReadOnlyList<SemanticPair> Load(string path)
    {
        var text = File.ReadAllText(path);
        try
        {
            return text.TrimStart().StartsWith('[') ? ParseGptCacheJson(text, path) : ParseCsv(text, path);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{path}: not valid JSON ({ex.Message}).", ex);
        }
    }

    /// <summary>Parses GPTCache's <c>[{"origin", "similar"}]</c> form.</summary>
    public static IReadOnlyList<SemanticPair> ParseGptCacheJson(string json, string source = "JSON")
    {
        using var document = JsonDocument.Parse(json);
        var pairs = new List<SemanticPair>();
        var index = 0;
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("origin", out var origin) || origin.ValueKind != JsonValueKind.String
                || !entry.TryGetProperty("similar", out var similar) || similar.ValueKind != JsonValueKind.String)
            {
                throw new FormatException($"{source}: entry {index} is not an object with string fields \"origin\" and \"similar\".");
            }

            pairs.Add(new SemanticPair(origin.GetString()!, similar.GetString()!, SameMeaning: true));
            index++;
        }

        return pairs;
    }

    /// <summary>Parses a <c>sentence1,sentence2,label</c> CSV (RFC 4180 quoting; a header line is required).</summary>
    public static IReadOnlyList<SemanticPair> ParseCsv(string csv, string source = "CSV")
    {
        var records = ReadRecords(csv);
        if (records.Count == 0 || !records[0].Select(f => f.Trim().ToLowerInvariant()).SequenceEqual(["sentence1", "sentence2", "label"]))
        {
            throw new FormatException($"{source}: the first line must be the header 'sentence1,sentence2,label'.");
        }

        var pairs = new List<SemanticPair>(records.Count - 1);
        for (var i = 1; i < records.Count; i++)
        {
            var fields = records[i];
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }

            if (fields.Count != 3 || fields[2].Trim() is not ("0" or "1"))
            {
                throw new FormatException($"{source}: record {i + 1} must be sentence1,sentence2,label with label 0 or 1; got {fields.Count} field(s).");
            }

            pairs.Add(new SemanticPair(fields[0], fields[1], fields[2].Trim() == "1"));
        }

        return pairs;
    }

    private static List<List<string>> ReadRecords(string csv)
    {
        var records = new List<List<string>>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                records.Add(fields);
                fields = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(fields);
        }

        return records;
    }
}
