namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>
/// The request stream of the mixed workload: key popularity follows Zipf (rank r drawn with weight 1 / r^s, as prompt
/// popularity does in real traffic) over a fixed key set, and a fixed share of requests are first-time prompts that
/// can never hit. The same seed gives every contender the same stream.
/// </summary>
internal static class ZipfKeys
{
    /// <summary>Key ids: "z{rank}" for popular prompts, "u{seed}-{i}" for first-time ones.</summary>
    public static string[] Create(int requests, int keys, double exponent, double uniqueShare, int seed)
    {
        var cumulative = new double[keys];
        var total = 0.0;
        for (var rank = 0; rank < keys; rank++)
        {
            total += 1 / Math.Pow(rank + 1, exponent);
            cumulative[rank] = total;
        }

        var random = new Random(seed);
        var stream = new string[requests];
        for (var i = 0; i < requests; i++)
        {
            if (random.NextDouble() < uniqueShare)
            {
                stream[i] = $"u{seed}-{i}";
                continue;
            }

            var index = Array.BinarySearch(cumulative, random.NextDouble() * total);
            stream[i] = "z" + (index < 0 ? ~index : index);
        }

        return stream;
    }
}
