namespace OrleansLlmCache.Tests.Embeddings;

/// <summary>
/// Finds the evaluation pairs in tests/OrleansLlmCache.Tests/Embeddings/Data, which ships with the repository together
/// with the licences of the public data sets they come from.
/// </summary>
public static class SemanticPairData
{
    public const string LangCache = "langcache-dev.csv";

    public const string GptCache = "gptcache-mock-paraphrases.json";

    public const string Generated = "generated-pairs.csv";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string CopyDirectory => Path.Combine(RepositoryRoot, "tests", "OrleansLlmCache.Tests", "Embeddings", "Data");

    public static string PathOf(string file) => Path.Combine(CopyDirectory, file);

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
