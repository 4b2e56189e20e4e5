namespace OrleansLlmCache.Tests.Deploy;

/// <summary>The silo Deployment of a rendered overlay, with its container's environment resolved the way the kubelet does.</summary>
internal sealed class SiloManifest
{
    public const string Name = "llmcache-silo";

    private SiloManifest(Kustomize.Rendered rendered)
    {
        Rendered = rendered;
        Deployment = rendered.Single("Deployment", Name);
        Pod = Deployment["spec"]["template"];
        var containers = Pod["spec"]["containers"].Items;
        Assert.Single(containers);
        Container = containers[0];
        Environment = ResolveEnvironment();
    }

    public Kustomize.Rendered Rendered { get; }

    public YamlNode Deployment { get; }

    public YamlNode Pod { get; }

    public YamlNode Container { get; }

    /// <summary>Every variable the container gets, from its ConfigMaps and its own env list (which wins, as in Kubernetes).</summary>
    public IReadOnlyDictionary<string, EnvironmentValue> Environment { get; }

    public static async Task<SiloManifest> RenderAsync(string overlay)
    {
        var rendered = await Kustomize.RenderAsync(overlay);
        Assert.True(rendered.ExitCode == 0, $"kubectl kustomize {overlay} failed: {rendered.Error}");
        return new SiloManifest(rendered);
    }

    public int ContainerPort(string name) =>
        Container["ports"].Items.SingleOrDefault(p => p["name"].Text == name)["containerPort"].Int
        ?? throw new Xunit.Sdk.XunitException($"the silo container has no port named '{name}'");

    /// <summary>
    /// The environment as configuration keys (<c>__</c> is <c>:</c>), with the values the kubelet would fill in from
    /// the downward API and Secrets supplied by the caller.
    /// </summary>
    public Dictionary<string, string?> Configuration(IReadOnlyDictionary<string, string> fieldValues, Func<string, string, string> secretValue) =>
        Environment.ToDictionary(
            e => e.Key.Replace("__", ":", StringComparison.Ordinal),
            e => e.Value switch
            {
                { Value: { } value } => value,
                { FieldPath: { } field } => fieldValues.TryGetValue(field, out var v) ? v : throw new Xunit.Sdk.XunitException($"no test value for fieldRef {field}"),
                { SecretName: { } secret, SecretKey: { } key } => secretValue(secret, key),
                _ => null,
            },
            StringComparer.OrdinalIgnoreCase);

    private Dictionary<string, EnvironmentValue> ResolveEnvironment()
    {
        var environment = new Dictionary<string, EnvironmentValue>(StringComparer.Ordinal);
        foreach (var source in Container["envFrom"].Items)
        {
            var configMapName = source["configMapRef"]["name"].Text;
            Assert.True(configMapName is not null, "the silo container's envFrom should name ConfigMaps only (Secrets go through secretKeyRef)");
            foreach (var (key, value) in Rendered.Single("ConfigMap", configMapName)["data"].Entries)
            {
                environment[key] = new EnvironmentValue(value.Text, null, null, null);
            }
        }

        foreach (var variable in Container["env"].Items)
        {
            var from = variable["valueFrom"];
            environment[variable["name"].Text!] = new EnvironmentValue(
                variable["value"].Text,
                from["fieldRef"]["fieldPath"].Text,
                from["secretKeyRef"]["name"].Text,
                from["secretKeyRef"]["key"].Text);
        }

        return environment;
    }

    /// <summary>Example values for the keys of Secret llmcache-gateway, or <see langword="null"/> for another key.</summary>
    public static string? ExampleGatewaySecret(string key) => key switch
    {
        "upstream-api-key" => "sk-example-upstream",
        "api-key-0-sha256" => "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "api-key-0-tenant" => "acme",
        _ => null,
    };

    /// <summary>One variable: a literal value, a downward-API field, or a key of a Secret.</summary>
    public sealed record EnvironmentValue(string? Value, string? FieldPath, string? SecretName, string? SecretKey);
}
