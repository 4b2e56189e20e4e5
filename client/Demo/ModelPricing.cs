namespace OrleansLlmCache.Cli.Demo;

/// <summary>Origin prices in dollars per 1,000 tokens: the article's prices.</summary>
internal static class ModelPricing
{
    private static readonly Dictionary<string, (decimal Input, decimal Output)> Prices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4"] = (0.03m, 0.06m),
        ["claude-3-5-sonnet"] = (0.003m, 0.015m),
    };

    public static bool IsKnown(string model) => Prices.ContainsKey(model);

    public static decimal Cost(string model, long inputTokens, long outputTokens) =>
        Prices.TryGetValue(model, out var price) ? ((inputTokens * price.Input) + (outputTokens * price.Output)) / 1000m : 0m;
}
