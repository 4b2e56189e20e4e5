namespace OrleansLlmCache.Tests.Deploy;

/// <summary>Every manifest under deploy/k8s parses, and every kustomization builds offline without warnings.</summary>
[Trait("Category", "Integration")]
public sealed class ManifestSyntaxTests
{
    public static TheoryData<string> ManifestFiles => [.. RepositoryFiles.Under("deploy/k8s", "*.yaml")];

    public static TheoryData<string> Kustomizations => [.. Kustomize.Targets];

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void Manifest_Parses_AndEveryDocumentNamesItsKind(string file)
    {
        var documents = YamlNode.LoadAll(RepositoryFiles.Read(file));

        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            Assert.False(string.IsNullOrEmpty(document["apiVersion"].Text), $"{file}: a document has no apiVersion");
            Assert.False(string.IsNullOrEmpty(document.Kind), $"{file}: a document has no kind");
            if (document.Kind != "Kustomization")
            {
                Assert.False(string.IsNullOrEmpty(document.Name), $"{file}: a {document.Kind} has no metadata.name");
            }
        }
    }

    [Fact]
    public void EveryKustomizationDirectory_IsBuiltByTheTests()
    {
        var directories = RepositoryFiles.Under("deploy/k8s", "kustomization.yaml")
            .Select(f => f["deploy/k8s/".Length..^"/kustomization.yaml".Length])
            .Where(d => d != "base"); // built through both overlays

        Assert.Equal(directories.Order(StringComparer.Ordinal), Kustomize.Targets.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task Kustomization_BuildsOffline_WithoutWarnings(string target)
    {
        var rendered = await Kustomize.RenderAsync(target);

        Assert.True(rendered.ExitCode == 0, $"kubectl kustomize deploy/k8s/{target} exited with {rendered.ExitCode}: {rendered.Error}");
        Assert.True(rendered.Error.Trim().Length == 0, $"kubectl kustomize deploy/k8s/{target} warned: {rendered.Error}");
        Assert.All(rendered.Documents, d => Assert.False(string.IsNullOrEmpty(d.Name), $"a rendered {d.Kind} has no name"));
    }
}
