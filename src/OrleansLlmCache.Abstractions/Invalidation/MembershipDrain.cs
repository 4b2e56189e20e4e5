namespace OrleansLlmCache.Abstractions.Invalidation;

/// <summary>What <see cref="IMembershipShardGrain.DrainAsync"/> handed over for removal from storage.</summary>
/// <param name="Invalidated">The live members this drain took: entries that now miss.</param>
/// <param name="LeftOver">Members an earlier drain took whose removal is not confirmed yet (it failed, or is still running).</param>
[GenerateSerializer, Immutable, Alias("llmcache.MembershipDrain")]
public sealed record MembershipDrain(
    [property: Id(0)] IReadOnlyList<string> Invalidated,
    [property: Id(1)] IReadOnlyList<string> LeftOver);
