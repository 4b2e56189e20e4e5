using OrleansLlmCache.Abstractions.Invalidation;

namespace OrleansLlmCache.Tests.Abstractions;

/// <summary>A namespace's dependency key reads back into its tenant and namespace; a tag's or a dependency's never does.</summary>
public sealed class DependencyKeyTests
{
    [Theory]
    [InlineData("acme", "support")]
    [InlineData("acme", "code_analysis:python")]
    [InlineData("t-1", "ns:odd")]
    public void ANamespaceKey_ReadsBackIntoItsTenantAndNamespace(string tenant, string @namespace)
    {
        Assert.True(DependencyKey.TryReadNamespace(DependencyKey.Namespace(tenant, @namespace), out var readTenant, out var readNamespace));
        Assert.Equal(tenant, readTenant);
        Assert.Equal(@namespace, readNamespace);
    }

    [Fact]
    public void TagAndDependencyKeys_AreNotNamespaceKeys()
    {
        Assert.False(DependencyKey.TryReadNamespace(DependencyKey.Tag("acme", "ns:support"), out _, out _));
        Assert.False(DependencyKey.TryReadNamespace(DependencyKey.Dependency("acme", "ns:support"), out _, out _));
    }
}
