namespace OrleansLlmCache.Abstractions.Semantic;

/// <summary>
/// Semantic lookups and registrations, run on the silo that receives them (a stateless worker): embeds the prompt,
/// searches the scope's shards, applies the threshold and the precision guard to the nearest candidates in score order,
/// and serves the first whose entry is still live. Candidates whose entries have expired or been invalidated are
/// removed from the index as they are found.
/// </summary>
[Alias("llmcache.ISemanticLookupGrain")]
public interface ISemanticLookupGrain : IGrainWithIntegerKey
{
    /// <summary>Finds a live cached answer for a near neighbour of the prompt, or reports a miss (with the prompt's vector).</summary>
    [Alias("Find")]
    Task<SemanticLookupResult> FindAsync(SemanticQuery query);

    /// <summary>Adds a stored entry's prompt to its scope's index.</summary>
    [Alias("Register")]
    Task RegisterAsync(SemanticRegistration registration);
}
