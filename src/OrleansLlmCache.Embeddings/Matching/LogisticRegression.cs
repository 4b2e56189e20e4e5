namespace OrleansLlmCache.Embeddings.Matching;

/// <summary>Fits <see cref="MatchModel"/>: L2-regularised logistic regression by Newton's method on standardised features.
/// Deterministic: the same samples give the same weights.</summary>
internal static class LogisticRegression
{
    /// <param name="samples">Feature vectors, one per pair, in <see cref="MatchSignals.FeatureNames"/> order.</param>
    /// <param name="labels">True when the cached answer serves the new prompt.</param>
    /// <param name="sampleWeights">How much each pair counts.</param>
    /// <param name="l2">The ridge penalty on the standardised weights (not on the bias).</param>
    /// <param name="trainedOn">What the samples were, kept in the model file.</param>
    public static MatchModel Fit(IReadOnlyList<double[]> samples, IReadOnlyList<bool> labels, IReadOnlyList<double> sampleWeights, double l2, string trainedOn)
    {
        ArgumentOutOfRangeException.ThrowIfZero(samples.Count);
        var features = samples[0].Length;
        var mean = new double[features];
        var scale = new double[features];
        var total = sampleWeights.Sum();
        for (var j = 0; j < features; j++)
        {
            var m = 0.0;
            for (var i = 0; i < samples.Count; i++)
            {
                m += sampleWeights[i] * samples[i][j];
            }

            m /= total;
            var v = 0.0;
            for (var i = 0; i < samples.Count; i++)
            {
                v += sampleWeights[i] * (samples[i][j] - m) * (samples[i][j] - m);
            }

            mean[j] = m;
            scale[j] = Math.Sqrt(v / total) is var s && s > 1e-9 ? s : 1;
        }

        // x[i] = [1, standardised features]; theta[0] is the bias.
        var x = samples.Select(sample => (double[])[1.0, .. sample.Select((value, j) => (value - mean[j]) / scale[j])]).ToArray();
        var n = features + 1;
        var theta = new double[n];
        for (var iteration = 0; iteration < 50; iteration++)
        {
            var gradient = new double[n];
            var hessian = new double[n, n];
            for (var i = 0; i < x.Length; i++)
            {
                var p = 1 / (1 + Math.Exp(-Dot(theta, x[i])));
                var w = sampleWeights[i];
                var error = p - (labels[i] ? 1 : 0);
                var curvature = Math.Max(p * (1 - p), 1e-9) * w;
                for (var a = 0; a < n; a++)
                {
                    gradient[a] += w * error * x[i][a];
                    for (var b = 0; b <= a; b++)
                    {
                        hessian[a, b] += curvature * x[i][a] * x[i][b];
                    }
                }
            }

            for (var a = 1; a < n; a++)
            {
                gradient[a] += l2 * theta[a];
                hessian[a, a] += l2;
            }

            for (var a = 0; a < n; a++)
            {
                for (var b = a + 1; b < n; b++)
                {
                    hessian[a, b] = hessian[b, a];
                }
            }

            var step = Solve(hessian, gradient);
            var change = 0.0;
            for (var a = 0; a < n; a++)
            {
                theta[a] -= step[a];
                change = Math.Max(change, Math.Abs(step[a]));
            }

            if (change < 1e-8)
            {
                break;
            }
        }

        return new MatchModel(MatchSignals.FeatureNames, mean, scale, theta[1..], theta[0], trainedOn);
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Solves <c>a · x = b</c> by Gaussian elimination with partial pivoting (a is small and positive definite).</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var y = (double[])b.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < n; row++)
            {
                if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = row;
                }
            }

            if (pivot != col)
            {
                for (var k = 0; k < n; k++)
                {
                    (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
                }

                (y[col], y[pivot]) = (y[pivot], y[col]);
            }

            for (var row = col + 1; row < n; row++)
            {
                var factor = m[row, col] / m[col, col];
                for (var k = col; k < n; k++)
                {
                    m[row, k] -= factor * m[col, k];
                }

                y[row] -= factor * y[col];
            }
        }

        var solution = new double[n];
        for (var row = n - 1; row >= 0; row--)
        {
            var sum = y[row];
            for (var k = row + 1; k < n; k++)
            {
                sum -= m[row, k] * solution[k];
            }

            solution[row] = sum / m[row, row];
        }

        return solution;
    }
}
