namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>
/// Tests that run with nothing else beside them: their assertions are about Orleans' own membership, whose probes
/// declare a silo dead when the machine is too busy to answer them, as two cores running every other test class are.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone";
}
