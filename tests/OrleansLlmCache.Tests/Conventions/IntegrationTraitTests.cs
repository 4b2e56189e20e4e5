using System.Reflection;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Conventions;

/// <summary>
/// Keeps the fast group honest: every test class that starts a server, a process or a model carries
/// <c>[Trait("Category", "Integration")]</c>, so <c>--filter "Category!=Integration"</c> runs in seconds.
/// </summary>
public sealed class IntegrationTraitTests
{
    private const string Category = "Category";
    private const string Integration = "Integration";

    /// <summary>
    /// What makes a test slow: a real redis-server or PostgreSQL, an Orleans cluster (in-process or a silo process), the
    /// <c>llmcache</c> program in a process, Chromium, kubectl, and the ONNX embedding model (loading it takes seconds).
    /// Any type of the test assembly that uses one of them (a fixture, a helper) is slow in turn.
    /// </summary>
    private static readonly string[] SlowTypeNames =
    [
        "OrleansLlmCache.Testing.LocalRedis",
        "OrleansLlmCache.Testing.LocalPostgres",
        "OrleansLlmCache.Testing.TcpSilo",
        "OrleansLlmCache.Testing.SiloProcess",
        "Orleans.TestingHost.InProcessTestCluster",
        "Orleans.TestingHost.TestCluster",
        "OrleansLlmCache.Tests.Infrastructure.CliProcess",
        "OrleansLlmCache.Tests.Infrastructure.Chromium",
        "OrleansLlmCache.Tests.Deploy.Kustomize",
        "OrleansLlmCache.Embeddings.Embedding.OnnxTextEmbedder",
    ];

    /// <summary>
    /// The <c>llmcache</c> commands that start an embedded silo (<c>demo</c>) or load the embedding model
    /// (<c>eval-semantic</c>) inside the product, where the IL scan does not follow: a test class that names one is slow.
    /// </summary>
    private static readonly string[] SlowCommands = ["demo", "eval-semantic"];

    private static readonly Assembly Tests = typeof(IntegrationTraitTests).Assembly;

    private readonly Dictionary<Type, bool> _slow = [];

    [Fact]
    public void EveryTestClassThatStartsAServer_IsInTheIntegrationCategory()
    {
        var untagged = TestClasses().Where(t => IsSlow(t) && !IsIntegration(t)).Select(t => t.FullName).Order(StringComparer.Ordinal).ToList();

        Assert.True(untagged.Count == 0,
            $"these test classes start a server, a process or the embedding model, and need [Trait(\"{Category}\", \"{Integration}\")]: "
            + string.Join(", ", untagged));
    }

    [Theory]
    [InlineData("OrleansLlmCache.Tests.Cluster.MultiSiloClusterTests", true)] // TcpSilo and SiloProcess in its methods
    [InlineData("OrleansLlmCache.Tests.Grains.CacheEntryGrainTests", true)] // ClusterFixture through its constructor
    [InlineData("OrleansLlmCache.Tests.Infrastructure.ChatMisses", true)] // a helper that starts a client against a TcpSilo
    [InlineData("OrleansLlmCache.Tests.Cli.DemoTests", true)] // `llmcache demo` runs an embedded silo
    [InlineData("OrleansLlmCache.Tests.Client.ChatCacheKeyTests", false)]
    [InlineData("OrleansLlmCache.Tests.Abstractions.PythonKeyCompatibilityTests", false)]
    public void SlowInfrastructure_IsFoundThroughConstructorsMethodBodiesAndHelpers(string typeName, bool slow) =>
        Assert.Equal(slow, IsSlow(Tests.GetType(typeName, throwOnError: true)!));

    // This class names the slow commands only to look for them.
    private static IEnumerable<Type> TestClasses() => Tests.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && t != typeof(IntegrationTraitTests) && t
        .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
        .Any(m => m.IsDefined(typeof(FactAttribute), inherit: true)));

    private static bool IsIntegration(Type type) => type.GetCustomAttributesData().Any(a =>
        a.AttributeType == typeof(TraitAttribute)
        && a.ConstructorArguments is [{ Value: Category }, { Value: Integration }]);

    private bool IsSlow(Type type)
    {
        if (SlowTypeNames.Contains(type.FullName, StringComparer.Ordinal))
        {
            return true;
        }

        if (type.Assembly != Tests || type.IsGenericParameter)
        {
            return false;
        }

        if (_slow.TryGetValue(type, out var known))
        {
            return known;
        }

        _slow[type] = false; // a cycle (a type that uses itself) adds nothing
        var slow = StringsUsedBy(type).Any(s => SlowCommands.Contains(s, StringComparer.Ordinal)) || TypesUsedBy(type).Distinct().Any(IsSlow);
        _slow[type] = slow;
        return slow;
    }

    private static IEnumerable<string> StringsUsedBy(Type type) => AllMethods(type).SelectMany(IlReferences.StringsUsedBy);

    private static IEnumerable<MethodBase> AllMethods(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)).Concat(type.GetNestedTypes(all).SelectMany(AllMethods));
    }

    /// <summary>What a type names: its base and interfaces (fixtures), fields, constructor parameters and every IL body,
    /// its compiler-made nested types (async state machines, lambdas) included.</summary>
    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var used = new List<Type>();
        if (type.BaseType is { } baseType)
        {
            used.AddRange(IlReferences.Unfold(baseType));
        }

        used.AddRange(type.GetInterfaces().SelectMany(IlReferences.Unfold));
        used.AddRange(type.GetFields(all).SelectMany(f => IlReferences.Unfold(f.FieldType)));
        used.AddRange(type.GetProperties(all).SelectMany(p => IlReferences.Unfold(p.PropertyType)));
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            used.AddRange(method.GetParameters().SelectMany(p => IlReferences.Unfold(p.ParameterType)));
            used.AddRange(IlReferences.TypesUsedBy(method));
        }

        used.AddRange(type.GetNestedTypes(all));
        return used;
    }
}
