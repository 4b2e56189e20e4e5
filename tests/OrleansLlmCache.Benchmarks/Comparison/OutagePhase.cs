namespace OrleansLlmCache.Benchmarks.Comparison;

/// <summary>Where a moment falls on the fail-safe benchmark's timeline; an index into its per-phase counts.</summary>
internal enum OutagePhase
{
    Before,
    Outage,
    After,
}
