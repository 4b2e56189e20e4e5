namespace OrleansLlmCache.Grains.Semantic;

/// <summary>The persisted shape of a scope's feedback. Stored as camelCase JSON: add properties, never rename them.</summary>
[GenerateSerializer, Alias("llmcache.SemanticFeedbackState")]
public sealed class SemanticFeedbackState
{
    /// <summary>The latest reports, oldest first (bounded by <see cref="SemanticIndexOptions.FeedbackReports"/> and <see cref="SemanticIndexOptions.FeedbackReportLifetime"/>).</summary>
    [Id(0)] public List<SemanticFeedbackReport> Reports { get; set; } = [];
}
