namespace OrleansLlmCache.Abstractions.Statistics;

/// <summary>
/// Log-scale latency buckets (bucket i holds times up to 2^(i/2) µs, about 41 % apart), so that histograms from many
/// app servers add up and a cluster-wide p99 can be read from the sum.
/// </summary>
public static class LatencyHistogram
{
    /// <summary>Number of buckets: up to 2^32 µs, over an hour.</summary>
    public const int Buckets = 64;

    /// <summary>The bucket of <paramref name="elapsed"/>.</summary>
    public static int BucketOf(TimeSpan elapsed)
    {
        var micros = Math.Max(1, elapsed.TotalMicroseconds);
        return Math.Clamp((int)Math.Ceiling(2 * Math.Log2(micros)), 0, Buckets - 1);
    }

    /// <summary>The upper bound of bucket <paramref name="bucket"/>.</summary>
    public static TimeSpan UpperBound(int bucket) => TimeSpan.FromMicroseconds(Math.Pow(2, bucket / 2.0));

    /// <summary>The latency below which <paramref name="percentile"/> % of the counted times fall (a bucket's upper bound).</summary>
    public static TimeSpan Percentile(IReadOnlyList<long> histogram, double percentile)
    {
        var total = histogram.Sum();
        if (total == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (long)Math.Ceiling(percentile / 100 * total);
        long seen = 0;
        for (var i = 0; i < histogram.Count; i++)
        {
            seen += histogram[i];
            if (seen >= rank)
            {
                return UpperBound(i);
            }
        }

        return UpperBound(histogram.Count - 1);
    }
}
