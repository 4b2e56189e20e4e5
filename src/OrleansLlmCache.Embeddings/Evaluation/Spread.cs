using System.Globalization;

namespace OrleansLlmCache.Embeddings.Evaluation;

/// <summary>A figure over the folds of a cross-validation: its mean and its standard deviation across folds.</summary>
public readonly record struct Spread(double Mean, double StandardDeviation)
{
    /// <summary>The mean and sample standard deviation of <paramref name="values"/>.</summary>
    public static Spread Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return default;
        }

        var mean = values.Average();
        var variance = values.Count < 2 ? 0 : values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return new Spread(mean, Math.Sqrt(variance));
    }

    /// <summary>"0.953 ± 0.021".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Mean:0.000} ± {StandardDeviation:0.000}");
}
