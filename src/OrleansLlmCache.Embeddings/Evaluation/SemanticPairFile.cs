using System.Text;
using System.Text.Json;

namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>
/// Reads labelled prompt pairs: a CSV or tab-separated file with the header <c>sentence1,sentence2,label</c> or Quora's
/// <c>question1,question2,is_duplicate</c> (label 1 = same meaning, 0 = not), or GPTCache's JSON
/// <c>[{"origin": ..., "similar": ...}]</c>, whose pairs are all paraphrases.
/// </summary>
public static class SemanticPairFile
{
    /// <summary>Reads <paramref name="path"/>; JSON when its first character is '[', CSV or tab-separated otherwise.</summary>
    /// <exception cref="FormatException">The file is neither form; the message names the line or entry that is wrong.</exception>
    public static IReadOnlyList<SemanticPair> Load(string path)
    {
        var text = File.ReadAllText(path);
        return text.TrimStart().StartsWith('[') ? ParseGptCacheJson(text, path) : ParseCsv(text, path);
    }

    /// <summary>Parses GPTCache's <c>[{"origin", "similar"}]</c> form.</summary>
    /// <exception cref="FormatException">The text is not that form; the message names the entry that is wrong.</exception>
    public static IReadOnlyList<SemanticPair> ParseGptCacheJson(string json, string source = "JSON")
    {
        using var document = ParseJson(json, source);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{source}: GPTCache's form is a JSON array of {{\"origin\", \"similar\"}} objects.");
        }

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

            pairs.Add(new SemanticPair(Text(origin, source, index, "origin"), Text(similar, source, index, "similar"), SameMeaning: true));
            index++;
        }

        return pairs;
    }

    private static JsonDocument ParseJson(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source}: not valid JSON ({ex.Message}).", ex);
        }
    }

    // A \ud800 escape without its other half is valid JSON but no string: named, not thrown as InvalidOperationException.
    private static string Text(JsonElement element, string source, int index, string field)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new FormatException($"{source}: entry {index} \"{field}\" holds half of a UTF-16 surrogate pair without its other half; it is not text.");
        }
    }

    /// <summary>The column names read as the first text, the second text and the label, in that order of preference.</summary>
    private static readonly string[][] Columns =
    [
        ["sentence1", "question1", "text1"],
        ["sentence2", "question2", "text2"],
        ["label", "is_duplicate"],
    ];

    /// <summary>
    /// Parses a comma- or tab-separated file with a header naming its columns: <c>sentence1,sentence2,label</c>, Quora's
    /// <c>question1,question2,is_duplicate</c> (its other columns such as <c>id,qid1,qid2</c> are ignored), or
    /// <c>text1,text2,label</c>. A header with a tab makes the file tab-separated. A field that starts with <c>"</c>
    /// is quoted as in RFC 4180 (<c>""</c> is a quote; it may span lines); a quote inside a field is a plain character.
    /// </summary>
    public static IReadOnlyList<SemanticPair> ParseCsv(string csv, string source = "CSV")
    {
        ArgumentNullException.ThrowIfNull(csv);
        var firstLine = csv.AsSpan(0, csv.AsSpan().IndexOfAny('\r', '\n') is var end and >= 0 ? end : csv.Length);
        var separator = firstLine.Contains('\t') ? '\t' : ',';
        var records = ReadRecords(csv, separator, source);
        var header = records.Count == 0 ? [] : records[0].Select(f => f.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        var at = Columns.Select(names => names.Select(name => header.IndexOf(name)).FirstOrDefault(i => i >= 0, -1)).ToArray();
        if (at.Contains(-1))
        {
            throw new FormatException(
                $"{source}: the first line must be a header naming the columns, such as 'sentence1,sentence2,label' or Quora's 'question1,question2,is_duplicate' (commas or tabs).");
        }

        var pairs = new List<SemanticPair>(records.Count - 1);
        for (var i = 1; i < records.Count; i++)
        {
            var fields = records[i];
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }

            if (fields.Count != header.Count || fields[at[2]].Trim() is not ("0" or "1"))
            {
                throw new FormatException(
                    $"{source}: record {i + 1} must have the header's {header.Count} fields with {header[at[2]]} 0 or 1; got {fields.Count} field(s).");
            }

            pairs.Add(new SemanticPair(fields[at[0]], fields[at[1]], fields[at[2]].Trim() == "1"));
        }

        return pairs;
    }

    private static List<List<string>> ReadRecords(string csv, char separator, string source)
    {
        var quoteOpenedOn = 0;
        var line = 1;
        var records = new List<List<string>>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var fieldStart = true;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (c == '\n')
            {
                line++;
            }

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

                continue;
            }

            if (c == '"' && fieldStart)
            {
                quoteOpenedOn = line;
                quoted = true;
                fieldStart = false;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
                fieldStart = true;
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
                {
                    i++;
                    line++;
                }

                fields.Add(field.ToString());
                field.Clear();
                records.Add(fields);
                fields = [];
                fieldStart = true;
            }
            else
            {
                field.Append(c);
                fieldStart = false;
            }
        }

        if (quoted)
        {
            // Otherwise the rest of the file would silently become one field.
            throw new FormatException($"{source}: the quoted field that starts on line {quoteOpenedOn} is never closed (a \" is missing).");
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(fields);
        }

        return records;
    }
}
