namespace OrleansLlmCache.Tests.Embeddings;

/// <summary>
/// Finds the evaluation pairs: the shared originals at ../shared/data/semantic-pairs beside the repository when they are
/// there, else the copy in tests/OrleansLlmCache.Tests/Embeddings/Data that a fresh clone carries.
/// </summary>
public static class SemanticPairData
{
    public const string LangCache = "langcache-dev.csv";

    public const string GptCache = "gptcache-mock-paraphrases.json";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string SharedDirectory => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "semantic-pairs"));

    public static string CopyDirectory => Path.Combine(RepositoryRoot, "tests", "OrleansLlmCache.Tests", "Embeddings", "Data");

    public static string PathOf(string file)
    {
        var shared = Path.Combine(SharedDirectory, file);
        return File.Exists(shared) ? shared : Path.Combine(CopyDirectory, file);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansLlmCache.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No OrleansLlmCache.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
