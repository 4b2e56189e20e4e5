namespace OrleansLlmCache.Tests.Deploy;

/// <summary>The silo Deployment of a rendered overlay, with its container's environment resolved the way the kubelet does.</summary>
internal sealed class SiloManifest
{
    public const string Name = "llmcache-silo";

    /// <summary>
    /// The variable that names the silo's directory of settings files (silo/Hosting/SiloConfigDirectoryExtensions.cs;
    /// SiloConfigDirectoryTests starts the silo with it).
    /// </summary>
    public const string SettingsDirectoryVariable = "LLMCACHE_CONFIG_DIR";

    /// <summary>
    /// Example entries of Secret llmcache-gateway, which the silo reads as settings files: the upstream's key and two
    /// gateway API keys, for tenants acme and globex.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ExampleGatewaySecret = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["LlmCache__Gateway__Upstream__ApiKey"] = "sk-example-upstream",
        ["LlmCache__Gateway__ApiKeys__0__Sha256"] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ["LlmCache__Gateway__ApiKeys__0__Tenant"] = "acme",
        ["LlmCache__Gateway__ApiKeys__1__Sha256"] = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
        ["LlmCache__Gateway__ApiKeys__1__Tenant"] = "globex",
    };

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

    /// <summary>
    /// The Secret volume mounted at the directory <see cref="SettingsDirectoryVariable"/> names: its Secret's name,
    /// whether the Secret is optional, and whether the mount is read-only.
    /// </summary>
    public (string Path, string? SecretName, bool Optional, bool ReadOnly) SettingsDirectory()
    {
        var path = Environment.TryGetValue(SettingsDirectoryVariable, out var variable) && variable.Value is { } value
            ? value
            : throw new Xunit.Sdk.XunitException($"the silo container does not set {SettingsDirectoryVariable}");
        var mount = Container["volumeMounts"].Items.SingleOrDefault(m => m["mountPath"].Text == path);
        Assert.True(mount.Exists, $"no volume is mounted at {path}, the directory {SettingsDirectoryVariable} names");
        var volume = Pod["spec"]["volumes"].Items.Single(v => v["name"].Text == mount["name"].Text);
        return (path, volume["secret"]["secretName"].Text, volume["secret"]["optional"].Text == "true", mount["readOnly"].Text == "true");
    }

    /// <summary>Where the container mounts Secret <paramref name="secretName"/>, or <see langword="null"/> when it does not.</summary>
    public string? SecretMountPath(string secretName)
    {
        var volume = Pod["spec"]["volumes"].Items.SingleOrDefault(v => v["secret"]["secretName"].Text == secretName);
        return volume.Exists ? Container["volumeMounts"].Items.Single(m => m["name"].Text == volume["name"].Text)["mountPath"].Text : null;
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

    /// <summary>One variable: a literal value, a downward-API field, or a key of a Secret.</summary>
    public sealed record EnvironmentValue(string? Value, string? FieldPath, string? SecretName, string? SecretKey);
}
