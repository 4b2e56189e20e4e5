using System.Text.RegularExpressions;

namespace OrleansLlmCache.Tests.Deploy;

/// <summary>The images are published by deploy/publish.sh, the same script CI runs; nobody publishes another way.</summary>
public sealed partial class PublishCommandTests
{
    public static TheoryData<string, string, string> Images => new()
    {
        { "deploy/docker/silo.Dockerfile", "silo", "silo/OrleansLlmCache.Silo.csproj" },
        { "deploy/docker/cli.Dockerfile", "cli", "client/OrleansLlmCache.Cli.csproj" },
    };

    [Fact]
    public void DotnetPublish_AppearsOnlyInThePublishScript()
    {
        var scripts = RepositoryFiles.Under("deploy", "*").Append("tests/run-tests.sh").Concat(RepositoryFiles.Under(".ci", "*"))
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal));

        var publishing = scripts.Where(f => DotnetPublish().IsMatch(RepositoryFiles.Read(f))).ToList();

        Assert.Equal(["deploy/publish.sh"], publishing);
        Assert.Single(RepositoryFiles.Read("deploy/publish.sh").Split('\n'), l => DotnetPublish().IsMatch(l) && !l.TrimStart().StartsWith('#'));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Dockerfile_PublishesWithTheScript_AndRunsWhatItPublished(string dockerfile, string target, string project)
    {
        var lines = RepositoryFiles.Read(dockerfile).Split('\n');
        var text = string.Join('\n', lines.Where(l => !l.TrimStart().StartsWith('#')));

        var publish = PublishCall().Match(text);
        Assert.True(publish.Success, $"{dockerfile} should RUN `bash deploy/publish.sh {target} DIR`");
        Assert.Equal(target, publish.Groups["target"].Value);
        Assert.Contains($"COPY --from=build {publish.Groups["output"].Value} .", text, StringComparison.Ordinal);
        Assert.Contains($"{target}) project={project}", RepositoryFiles.Read("deploy/publish.sh"), StringComparison.Ordinal);

        var entry = lines.Single(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal));
        Assert.Contains($"\"{AssemblyName(project)}.dll\"", entry, StringComparison.Ordinal);
        Assert.Matches(@"^USER [1-9][0-9]*\s*$", lines.Last(l => l.StartsWith("USER", StringComparison.Ordinal)));
    }

    [Fact]
    public void TestCommand_RunsThePublishScript_ForBothImages()
    {
        var testCommand = RepositoryFiles.Read("tests/run-tests.sh");

        Assert.Matches(@"deploy/publish\.sh silo ", testCommand);
        Assert.Matches(@"deploy/publish\.sh cli ", testCommand);
        Assert.Contains("exec bash tests/run-tests.sh", RepositoryFiles.Read(".ci/run"), StringComparison.Ordinal);
    }

    private static string AssemblyName(string project)
    {
        var match = Regex.Match(RepositoryFiles.Read(project), "<AssemblyName>(?<name>[^<]+)</AssemblyName>");
        return match.Success ? match.Groups["name"].Value : Path.GetFileNameWithoutExtension(project);
    }

    [GeneratedRegex(@"dotnet\s+publish")]
    private static partial Regex DotnetPublish();

    [GeneratedRegex(@"^RUN\b[^\n]*(?:\\\n[^\n]*)*?bash deploy/publish\.sh (?<target>\S+) (?<output>\S+)", RegexOptions.Multiline)]
    private static partial Regex PublishCall();
}
