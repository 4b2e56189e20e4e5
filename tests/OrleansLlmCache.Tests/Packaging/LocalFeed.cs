using System.Reflection;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Deploy;

namespace OrleansLlmCache.Tests.Packaging;

/// <summary>
/// Every package of the repository, packed once into a local feed in a temp directory (from the build the tests run
/// on: no second build), with a NuGet configuration that takes OrleansLlmCache.* from that feed only and everything
/// else from nuget.org. Packages restored from the feed go to a packages folder of its own, so a stale copy of the
/// same version in the machine's NuGet cache can never stand in for what was just packed; the machine's cache is read
/// as a fallback for the third-party packages the repository already restored.
/// </summary>
public sealed class LocalFeed : IAsyncLifetime
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);

    /// <summary>The temp directory that holds the feed, the configuration and whatever a test makes.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("llmcache-packages-").FullName;

    public string Feed => Path.Combine(Root, "feed");

    /// <summary>
    /// The NuGet configuration of an app built from the feed (ours from the feed, the rest from nuget.org), passed with
    /// <c>--configfile</c>: not named nuget.config, so that it does not apply to everything under <see cref="Root"/>.
    /// </summary>
    public string ConfigFile => Path.Combine(Root, "app.nuget.config");

    /// <summary>The version every package was packed with (the product's single version).</summary>
    public string Version { get; } = typeof(ILlmCache).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    /// <summary>The build configuration the tests were built with (Release in CI): the one packed.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The ids of the packages in the feed.</summary>
    public IReadOnlyList<string> PackageIds => [.. Directory.EnumerateFiles(Feed, "*.nupkg")
        .Select(f => Path.GetFileNameWithoutExtension(f)[..^(Version.Length + 1)])
        .Order(StringComparer.Ordinal)];

    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        var (exitCode, output) = await DotnetCommand.RunAsync(Root, PackTimeout,
            "pack", RepositoryFiles.PathOf("OrleansLlmCache.sln"), "-c", Configuration, "--no-build", "-o", Feed, "-nologo");
        Assert.True(exitCode == 0, "dotnet pack failed: " + output);

        var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(ConfigFile, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" />
              </config>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local">
                  <package pattern="OrleansLlmCache.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}
