namespace OrleansLlmCache.Hosting.Options;

/// <summary>Where cache grains keep their state.</summary>
public enum StorageMode
{
    /// <summary>Silo memory only: lost when the silo stops (the embedded default).</summary>
    Memory,

    /// <summary>PostgreSQL (<c>ConnectionStrings:PostgreSQL</c>): survives silo restarts and losses.</summary>
    PostgreSQL,
}
