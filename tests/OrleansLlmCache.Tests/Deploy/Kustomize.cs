using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansLlmCache.Tests.Deploy;

/// <summary>
/// Renders a kustomization with <c>kubectl kustomize</c>, offline: tests/run-tests.sh installs kubectl when it is
/// missing. The kubectl used is <c>LLMCACHE_KUBECTL</c>, or the first on PATH.
/// </summary>
internal static class Kustomize
{
    /// <summary>Every kustomization the deployment ships, relative to deploy/k8s.</summary>
    public static readonly string[] Targets = ["overlays/dev", "overlays/prod", "examples/app-server", "monitoring"];

    private static readonly ConcurrentDictionary<string, Lazy<Task<Rendered>>> Cache = new(StringComparer.Ordinal);

    public static Task<Rendered> RenderAsync(string target) =>
        Cache.GetOrAdd(target, t => new Lazy<Task<Rendered>>(() => RunAsync(t))).Value;

    private static async Task<Rendered> RunAsync(string target)
    {
        var kubectl = FindKubectl();
        var start = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(RepositoryFiles.PathOf("deploy/k8s/" + target));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return new Rendered(process.ExitCode, await output, await error);
    }

    private static string FindKubectl()
    {
        if (Environment.GetEnvironmentVariable("LLMCACHE_KUBECTL") is { Length: > 0 } configured)
        {
            return configured;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "kubectl"))
            .FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException(
            "kubectl is not on PATH: run `bash tests/run-tests.sh`, which installs it, or set LLMCACHE_KUBECTL to a kubectl 1.27 or newer.");
    }

    /// <summary>The output of one <c>kubectl kustomize</c> run.</summary>
    public sealed record Rendered(int ExitCode, string Output, string Error)
    {
        public IReadOnlyList<YamlNode> Documents => YamlNode.LoadAll(Output);

        public YamlNode Single(string kind, string name)
        {
            var found = Documents.Where(d => d.Kind == kind && d.Name == name).ToList();
            Assert.True(found.Count == 1, $"expected one {kind} {name} in the rendered manifests, found {found.Count}");
            return found[0];
        }

        public IEnumerable<YamlNode> OfKind(string kind) => Documents.Where(d => d.Kind == kind);
    }
}
