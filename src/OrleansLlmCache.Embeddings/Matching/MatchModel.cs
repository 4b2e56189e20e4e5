using System.Text.Json;

namespace OrleansLlmCache.Embeddings.Matching;

/// <summary>
/// A logistic regression over <see cref="MatchSignals"/>: the probability that the answer cached for one prompt serves
/// another. Trained offline (<c>llmcache train-semantic</c>) and shipped as <c>semantic-match-model.json</c> inside this
/// assembly; features are standardised with the training set's mean and spread so the weights compare.
/// </summary>
internal sealed class MatchModel
{
    private const string ResourceName = "OrleansLlmCache.Embeddings.Matching.semantic-match-model.json";

    private static readonly Lazy<MatchModel> ShippedModel = new(LoadShipped);

    public MatchModel(IReadOnlyList<string> features, double[] mean, double[] scale, double[] weights, double bias, string trainedOn, double calibrationSlope = 1, double calibrationIntercept = 0)
    {
        if (!(calibrationSlope > 0))
        {
            throw new FormatException($"The calibration slope must be positive (a higher score must mean a likelier match); got {calibrationSlope}.");
        }

        if (!features.SequenceEqual(MatchSignals.FeatureNames))
        {
            throw new FormatException(
                $"The model's features ({string.Join(", ", features)}) are not the ones this version computes ({string.Join(", ", MatchSignals.FeatureNames)}): retrain it with 'llmcache train-semantic'.");
        }

        if (mean.Length != features.Count || scale.Length != features.Count || weights.Length != features.Count || scale.Any(s => !(s > 0)))
        {
            throw new FormatException($"The model needs one mean, one positive scale and one weight per feature ({features.Count}).");
        }

        Features = features;
        Mean = mean;
        Scale = scale;
        Weights = weights;
        Bias = bias;
        TrainedOn = trainedOn;
        CalibrationSlope = calibrationSlope;
        CalibrationIntercept = calibrationIntercept;
    }

    /// <summary>The model shipped in this assembly.</summary>
    public static MatchModel Shipped => ShippedModel.Value;

    public IReadOnlyList<string> Features { get; }

    public double[] Mean { get; }

    public double[] Scale { get; }

    public double[] Weights { get; }

    public double Bias { get; }

    /// <summary>What the model was trained on, for the record.</summary>
    public string TrainedOn { get; }

    /// <summary>Platt scaling of the score (<c>slope · score + intercept</c>), fitted on held-out predictions of real
    /// pairs, so that the probability means what it says on traffic rather than on the generated training mix.</summary>
    public double CalibrationSlope { get; }

    /// <inheritdoc cref="CalibrationSlope"/>
    public double CalibrationIntercept { get; }

    /// <summary>The probability that the cached answer serves the new prompt.</summary>
    public double Probability(IReadOnlyList<double> values) => 1 / (1 + Math.Exp(-(CalibrationSlope * Score(values) + CalibrationIntercept)));

    /// <summary>The uncalibrated score (log-odds on the training mix).</summary>
    public double Score(IReadOnlyList<double> values)
    {
        var logit = Bias;
        for (var i = 0; i < Weights.Length; i++)
        {
            logit += Weights[i] * (values[i] - Mean[i]) / Scale[i];
        }

        return logit;
    }

    /// <summary>This model with another calibration.</summary>
    public MatchModel WithCalibration(double slope, double intercept, string trainedOn) =>
        new(Features, Mean, Scale, Weights, Bias, trainedOn, slope, intercept);

    /// <summary>The feature that pulls the probability down the most compared with a prompt matched against itself:
    /// the signal that decided a refusal.</summary>
    /// <returns>The feature's index, or -1 when no feature lowers it (the model's base rate decided).</returns>
    public int DecidingFeature(IReadOnlyList<double> values)
    {
        var worst = -1;
        var worstContribution = 0.0;
        for (var i = 0; i < Weights.Length; i++)
        {
            var contribution = Weights[i] * (values[i] - MatchSignals.Identical[i]) / Scale[i];
            if (contribution < worstContribution)
            {
                worst = i;
                worstContribution = contribution;
            }
        }

        return worst;
    }

    public string ToJson() => JsonSerializer.Serialize(
        new ModelFile(1, TrainedOn, [.. Features], Mean, Scale, Weights, Bias, CalibrationSlope, CalibrationIntercept),
        new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });

    /// <exception cref="FormatException">The text is not a model of this version; the message says what is wrong.</exception>
    public static MatchModel FromJson(string json, string source)
    {
        ModelFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ModelFile>(json, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source}: not a semantic match model ({ex.Message}).", ex);
        }

        if (file is not { Format: 1, Features: not null, Mean: not null, Scale: not null, Weights: not null })
        {
            throw new FormatException($"{source}: not a semantic match model of format 1 with features, mean, scale and weights.");
        }

        try
        {
            return new MatchModel(file.Features, file.Mean, file.Scale, file.Weights, file.Bias, file.TrainedOn ?? string.Empty, file.CalibrationSlope, file.CalibrationIntercept);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{source}: {ex.Message}", ex);
        }
    }

    private static MatchModel LoadShipped()
    {
        using var stream = typeof(MatchModel).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The assembly lacks its resource {ResourceName}.");
        using var reader = new StreamReader(stream);
        return FromJson(reader.ReadToEnd(), ResourceName);
    }

    private sealed record ModelFile(
        int Format,
        string? TrainedOn,
        string[]? Features,
        double[]? Mean,
        double[]? Scale,
        double[]? Weights,
        double Bias,
        double CalibrationSlope = 1,
        double CalibrationIntercept = 0);
}
