namespace OrleansLlmCache.Client.Diagnostics;

/// <summary>What the origin charges for a model, in dollars per 1,000 tokens.</summary>
public sealed class ModelPrice
{
    /// <summary>Dollars per 1,000 input (prompt) tokens.</summary>
    public decimal InputPer1K { get; set; }

    /// <summary>Dollars per 1,000 output (completion) tokens.</summary>
    public decimal OutputPer1K { get; set; }

    /// <summary>The article's prices: GPT-4 $0.03 / $0.06, Claude 3.5 Sonnet $0.003 / $0.015.</summary>
    public static Dictionary<string, ModelPrice> DefaultPrices() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4"] = new() { InputPer1K = 0.03m, OutputPer1K = 0.06m },
        ["claude-3-5-sonnet"] = new() { InputPer1K = 0.003m, OutputPer1K = 0.015m },
    };

    /// <summary>The cost of a call with these token counts.</summary>
    public decimal Cost(long inputTokens, long outputTokens) => ((inputTokens * InputPer1K) + (outputTokens * OutputPer1K)) / 1000m;
}
