using System.Text;

namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// Realistic LLM answers of a given size: markdown prose and a code block assembled from a pool of sentences, different
/// for every seed. Random bytes would be the wrong payload: real answers are text that serializers and Redis see as such.
/// </summary>
internal static class LlmResponseText
{
    private static readonly string[] Sentences =
    [
        "Caching the response of a language model pays off when the same question arrives again with the same model and parameters.",
        "The key has to include every input that changes the output: the prompt, the system prompt, the model, the temperature and the token limit.",
        "A stale answer is worse than a slow one when the underlying document has changed, so invalidation must reach every process that holds a copy.",
        "In practice a support assistant sees a long tail of unique questions and a short head of questions that repeat many times a day.",
        "Single-flight protection means that one request computes a missing answer while every concurrent identical request waits for it.",
        "Process memory answers in well under a microsecond, a network cache in a few hundred microseconds, and the model itself in seconds.",
        "When the origin is slow and expensive, a thousand concurrent misses for the same key must not turn into a thousand paid calls.",
        "Tags group entries that depend on the same source, such as a product catalog or a release note, so that they can be dropped together.",
        "The expiry of an entry bounds how long a wrong answer can survive, but it is a poor substitute for explicit invalidation.",
        "Measure the hit ratio per namespace: content generation repeats less often than classification or extraction prompts.",
        "Keep responses under a size limit and store the token counts with them, so that the savings can be reported in dollars.",
        "A tenant identifier belongs in every key, otherwise one customer could be served an answer that was generated for another.",
    ];

    private static readonly string[] Headings = ["## Summary", "## Details", "## Example", "## Caveats", "## Next steps"];

    private const string Code = "```csharp\nvar key = cache.CreateKey(new PromptRequest(prompt, \"gpt-4\", temperature: 0.2, maxTokens: 800));\nvar result = await cache.GetOrCreateAsync(key, CallTheModelAsync);\n```\n";

    /// <summary>About <paramref name="bytes"/> characters (ASCII, so as many UTF-8 bytes) of answer number <paramref name="seed"/>.</summary>
    public static string Create(int bytes, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(bytes + 256);
        text.Append("Answer ").Append(seed).Append(": here is what to consider.\n\n");
        var heading = 0;
        while (text.Length < bytes)
        {
            text.Append(Headings[heading++ % Headings.Length]).Append("\n\n");
            for (var i = 0; i < 3 + random.Next(3); i++)
            {
                text.Append(Sentences[random.Next(Sentences.Length)]).Append(' ');
            }

            text.Append("\n\n");
            if (random.Next(4) == 0)
            {
                text.Append(Code).Append('\n');
            }
        }

        return text.ToString(0, bytes);
    }

    /// <summary>A size between 1 and 16 KiB, mostly short, as chat answers are: log-uniform, fixed per seed.</summary>
    public static int SizeFor(int seed) => (int)(1024 * Math.Pow(16, new Random(seed ^ 0x5eed).NextDouble()));
}
