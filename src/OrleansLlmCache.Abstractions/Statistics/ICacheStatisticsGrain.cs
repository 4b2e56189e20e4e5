namespace OrleansLlmCache.Abstractions.Statistics;

/// <summary>Cluster-wide hit, miss, latency, savings and embedding-cost statistics, and miss analytics (key <see cref="Key"/>).</summary>
[Alias("llmcache.ICacheStatisticsGrain")]
public interface ICacheStatisticsGrain : IGrainWithStringKey
{
    /// <summary>The one statistics grain's key.</summary>
    public const string Key = "cluster";

    /// <summary>Adds an app server's report.</summary>
    [Alias("Report")]
    Task ReportAsync(StatisticsReport report);

    /// <summary>Adds a silo's embedding work since its last report (each silo reports only what its own model ran).</summary>
    [Alias("ReportEmbedding")]
    Task ReportEmbeddingAsync(IReadOnlyList<EmbeddingUsageRow> usage);

    /// <summary>Adds what a scope learnt about its semantic hits (counts since its last report, for one tenant and namespace).</summary>
    [Alias("ReportSemanticFeedback")]
    Task ReportSemanticFeedbackAsync(SemanticFeedbackRow feedback);

    /// <summary>Everything aggregated so far.</summary>
    [Alias("Get")]
    Task<ClusterStatistics> GetAsync();

    /// <summary>Keys that missed at least <see cref="CandidateQuery.Threshold"/> times, most missed first, with their recorded requests.</summary>
    [Alias("Candidates")]
    Task<IReadOnlyList<WarmingCandidate>> GetCandidatesAsync(CandidateQuery query);
}
