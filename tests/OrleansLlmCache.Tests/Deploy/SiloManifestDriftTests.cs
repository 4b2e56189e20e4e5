using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Hosting;
using OrleansLlmCache.Abstractions.Tls;
using OrleansLlmCache.Core.Tls;
using OrleansLlmCache.Core.Validation;
using OrleansLlmCache.Gateway.Options;
using OrleansLlmCache.Grains.Access;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Hosting.Startup;
using OrleansLlmCache.Storage.PostgreSql.Options;

namespace OrleansLlmCache.Tests.Deploy;

/// <summary>
/// The manifests and the silo's code read each other: every variable the Deployment sets is a setting the silo reads,
/// the silo's own validation accepts the result, and ports, labels, probes and time-outs agree with what it binds.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SiloManifestDriftTests(ManifestCertificates certificates) : IClassFixture<ManifestCertificates>
{
    public static TheoryData<string> Overlays => ["overlays/dev", "overlays/prod"];

    private static readonly Dictionary<string, string> FieldValues = new(StringComparer.Ordinal)
    {
        ["metadata.name"] = "llmcache-silo-7d9c-abcde",
        ["metadata.namespace"] = "llmcache",
        ["status.podIP"] = "10.244.1.17",
    };

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task EveryEnvironmentVariable_IsASettingTheSiloReads(string overlay)
    {
        var silo = await SiloManifest.RenderAsync(overlay);

        var unknown = silo.Environment.Keys.Where(name => !IsSiloSetting(name)).ToList();

        Assert.True(unknown.Count == 0, $"{overlay}: the silo reads none of {string.Join(", ", unknown)}");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task DownwardApi_GivesPodNameNamespaceAndIp(string overlay)
    {
        var silo = await SiloManifest.RenderAsync(overlay);

        Assert.Equal("metadata.name", silo.Environment[PodEnvironment.PodName].FieldPath);
        Assert.Equal("metadata.namespace", silo.Environment[PodEnvironment.PodNamespace].FieldPath);
        Assert.Equal("status.podIP", silo.Environment[PodEnvironment.PodIp].FieldPath);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task SiloValidation_AcceptsTheManifestConfiguration_AndAdvertisesThePodIp(string overlay)
    {
        var silo = await SiloManifest.RenderAsync(overlay);

        var options = Bind(silo);

        Assert.Equal(ClusteringMode.Redis, options.Clustering);
        Assert.Equal(StorageMode.PostgreSQL, options.Storage);
        Assert.True(options.ListenOnAnyHostAddress, "a pod must listen on its own IP, not 127.0.0.1");
        Assert.Equal(FieldValues["status.podIP"], options.AdvertisedIPAddress);
        Assert.Equal(FieldValues["metadata.name"], silo.Configuration(FieldValues, ExampleSecret)[PodEnvironment.PodName]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task ContainerPorts_AreTheSilosPorts(string overlay)
    {
        var silo = await SiloManifest.RenderAsync(overlay);
        var options = Bind(silo);

        Assert.Equal(options.SiloPort, silo.ContainerPort("silo"));
        Assert.Equal(options.GatewayPort, silo.ContainerPort("gateway"));
        Assert.Equal(options.HttpPort, silo.ContainerPort("http"));
        Assert.Equal(3, silo.Container["ports"].Items.Count);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Probes_UseTheSilosHttpEndpoints(string overlay)
    {
        // The silo serves these paths: ManifestConfiguredSiloTests runs it with this configuration and probes them.
        var silo = await SiloManifest.RenderAsync(overlay);

        AssertProbe(silo.Container["readinessProbe"], "/health");
        AssertProbe(silo.Container["livenessProbe"], "/alive");
        AssertProbe(silo.Container["startupProbe"], "/alive");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task OrleansLabels_AreTheSilosServiceAndClusterIds(string overlay)
    {
        var silo = await SiloManifest.RenderAsync(overlay);
        var options = Bind(silo);
        var labels = silo.Pod["metadata"]["labels"];

        Assert.Equal(options.ServiceId, labels["orleans/serviceId"].Text);
        Assert.Equal(options.ClusterId, labels["orleans/clusterId"].Text);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task TerminationGracePeriod_OutlastsTheHostsShutdownTimeout(string overlay)
    {
        var silo = await SiloManifest.RenderAsync(overlay);
        var options = Bind(silo);

        var grace = silo.Pod["spec"]["terminationGracePeriodSeconds"].Int;

        Assert.True(grace > options.ShutdownTimeout.TotalSeconds + 5,
            $"terminationGracePeriodSeconds {grace} should exceed LlmCache:Silo:ShutdownTimeout ({options.ShutdownTimeout.TotalSeconds} s) by more than 5 s");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Deployment_FollowsOrleansPractice(string overlay)
    {
        var silo = await SiloManifest.RenderAsync(overlay);
        var spec = silo.Pod["spec"];

        Assert.Equal("0", silo.Deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"].Text);
        Assert.Equal("false", spec["automountServiceAccountToken"].Text);
        var account = silo.Rendered.Single("ServiceAccount", spec["serviceAccountName"].Text!);
        Assert.Equal("false", account["automountServiceAccountToken"].Text);
        Assert.DoesNotContain(silo.Rendered.Documents, d => d.Kind is "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding");
        foreach (var section in new[] { "requests", "limits" })
        {
            Assert.True(silo.Container["resources"][section]["cpu"].Exists && silo.Container["resources"][section]["memory"].Exists, $"{overlay}: resources.{section} needs cpu and memory");
        }

        Assert.Equal("true", spec["securityContext"]["runAsNonRoot"].Text);
        Assert.Equal("true", silo.Container["securityContext"]["readOnlyRootFilesystem"].Text);
        Assert.Equal("false", silo.Container["securityContext"]["allowPrivilegeEscalation"].Text);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task DisruptionBudget_AndAutoscaler_CoverTheSilos(string overlay)
    {
        var silo = await SiloManifest.RenderAsync(overlay);
        var podLabels = silo.Pod["metadata"]["labels"].Entries;

        var budget = silo.Rendered.Single("PodDisruptionBudget", SiloManifest.Name);
        Assert.All(budget["spec"]["selector"]["matchLabels"].Entries, l => Assert.Equal(l.Value.Text, podLabels[l.Key].Text));
        Assert.Equal("1", budget["spec"]["maxUnavailable"].Text);

        var autoscaler = silo.Rendered.Single("HorizontalPodAutoscaler", SiloManifest.Name);
        Assert.Equal("Deployment", autoscaler["spec"]["scaleTargetRef"]["kind"].Text);
        Assert.Equal(SiloManifest.Name, autoscaler["spec"]["scaleTargetRef"]["name"].Text);
        Assert.True(autoscaler["spec"]["minReplicas"].Int >= 2, "one silo cannot hand its grains to another during an upgrade");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task NetworkPolicy_LetsOnlyAppServersReachTheGateway_AndOnlyTheIngressAndLabelledClientsReachHttp(string overlay)
    {
        var silo = await SiloManifest.RenderAsync(overlay);
        var policy = silo.Rendered.Single("NetworkPolicy", SiloManifest.Name);
        var containerPorts = silo.Container["ports"].Items.Select(p => p["name"].Text).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(SiloManifest.Name, policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"].Text);
        var rules = policy["spec"]["ingress"].Items;
        Assert.All(rules, rule => Assert.True(rule["ports"].Items.Count > 0, "a rule without ports opens every port"));
        var peersByPort = rules
            .SelectMany(rule => rule["ports"].Items.Select(port => (Port: port["port"].Text!, Peers: rule["from"].Items)))
            .GroupBy(p => p.Port, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(p => p.Peers).ToList(), StringComparer.Ordinal);

        Assert.True(peersByPort.Keys.All(containerPorts.Contains), $"the policy names ports the container does not have: {string.Join(", ", peersByPort.Keys)}");
        Assert.Equal(["gateway", "http", "silo"], peersByPort.Keys.Order(StringComparer.Ordinal));
        var gateway = Assert.Single(peersByPort["gateway"]);
        Assert.Equal("true", gateway["podSelector"]["matchLabels"][AppServerLabel].Text);
        Assert.Equal(3, peersByPort["http"].Count);
        var ingress = Assert.Single(peersByPort["http"], p => !p["podSelector"].Exists);
        Assert.True(ingress["namespaceSelector"]["matchLabels"].Entries.Count > 0, "the HTTP port should admit the ingress controller's namespace, not every namespace");

        // Pods in any namespace only by a label of their own: the gateway's HTTP clients, and the cluster's Prometheus (/metrics).
        var labelledPeers = peersByPort["http"].Where(p => p["podSelector"].Exists).ToList();
        Assert.All(labelledPeers, p => Assert.Equal(["true"], p["podSelector"]["matchLabels"].Entries.Select(l => l.Value.Text)));
        Assert.Equal([GatewayClientLabel, MetricsScraperLabel], labelledPeers.Select(p => p["podSelector"]["matchLabels"].Entries.Single().Key).Order(StringComparer.Ordinal));
        var siloPeer = Assert.Single(peersByPort["silo"]);
        Assert.Equal(SiloManifest.Name, siloPeer["podSelector"]["matchLabels"]["app.kubernetes.io/name"].Text);
        Assert.False(siloPeer["namespaceSelector"].Exists, "silo-to-silo traffic comes from this namespace only");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Service_ExposesTheOpenAiGateway_OnPort80_ToTheSilosHttpPort(string overlay)
    {
        var silo = await SiloManifest.RenderAsync(overlay);
        var options = Bind(silo);
        var service = silo.Rendered.Single("Service", SiloManifest.Name);

        var openai = Assert.Single(service["spec"]["ports"].Items, p => p["name"].Text == "openai");
        Assert.Equal(80, openai["port"].Int);
        Assert.Equal("http", openai["targetPort"].Text);
        Assert.Equal(options.HttpPort, silo.ContainerPort("http"));
        Assert.All(service["spec"]["selector"].Entries, l => Assert.Equal(l.Value.Text, silo.Pod["metadata"]["labels"][l.Key].Text));

        // The silo program maps the gateway under /v1 on that port.
        Assert.Contains("app.MapOrleansLlmCacheGateway();", RepositoryFiles.Read("silo/Program.cs"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task GatewaySettings_ComeFromAnOptionalSecretVolume_ThatTheSiloReadsAsSettingsFiles(string overlay)
    {
        var silo = await SiloManifest.RenderAsync(overlay);

        var directory = silo.SettingsDirectory();
        Assert.StartsWith("llmcache-gateway", directory.SecretName, StringComparison.Ordinal);
        Assert.True(directory.Optional, "Secret llmcache-gateway is optional: without it the gateway refuses every request, and says why");
        Assert.True(directory.ReadOnly, "the settings directory is mounted read-only");
        Assert.DoesNotContain(silo.Environment, e => e.Value.SecretName?.StartsWith("llmcache-gateway", StringComparison.Ordinal) == true);

        var gateway = BindGateway(silo, SiloManifest.ExampleGatewaySecret);
        Assert.Equal("https://api.openai.com/v1", gateway.Upstream.BaseUrl);
        Assert.Equal(SiloManifest.ExampleGatewaySecret["LlmCache__Gateway__Upstream__ApiKey"], gateway.Upstream.ApiKey);
        Assert.Equal(["acme", "globex"], gateway.ApiKeys.Select(k => k.Tenant));
    }

    [Fact]
    public async Task DevOverlay_GeneratesTheSecretKeysTheSiloReads_AndRedisKeepsAnAppendOnlyFile()
    {
        var silo = await SiloManifest.RenderAsync("overlays/dev");

        foreach (var reference in silo.Environment.Values.Where(v => v.SecretName is not null))
        {
            var secret = silo.Rendered.Single("Secret", reference.SecretName!);
            Assert.True(secret["data"][reference.SecretKey!].Exists, $"Secret {reference.SecretName} has no key {reference.SecretKey}");
        }

        // Every entry of the mounted Secret is a setting the silo reads, and the gateway accepts them: the dev key.
        var entries = silo.Rendered.Single("Secret", silo.SettingsDirectory().SecretName!)["data"].Entries
            .ToDictionary(e => e.Key, e => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(e.Value.Text!)), StringComparer.Ordinal);
        var unknown = entries.Keys.Where(name => !IsSiloSetting(name)).ToList();
        Assert.True(unknown.Count == 0, $"the silo reads none of the Secret's entries {string.Join(", ", unknown)}");
        var key = Assert.Single(BindGateway(silo, entries).ApiKeys);
        Assert.Equal("dev", key.Tenant);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("sk-llmcache-dev-only"u8)), key.Sha256);

        var redis = silo.Rendered.Single("Deployment", "redis")["spec"]["template"]["spec"]["containers"].Items.Single();
        var args = redis["args"].Items.Select(a => a.Text).ToList();
        Assert.Equal("yes", args[args.IndexOf("--appendonly") + 1]);
        Assert.Single(silo.Rendered.OfKind("StatefulSet"), s => s.Name == "postgres");
    }

    [Fact]
    public async Task TenantAccess_TheDevOverlayRunsOpen_AndTheProdOverlayNeedsKeys()
    {
        var dev = await SiloManifest.RenderAsync("overlays/dev");
        var prod = await SiloManifest.RenderAsync("overlays/prod");

        // The silo listens beyond loopback in both: without keys, only AllowOpen lets it start (TenantAccessStartupTests).
        Assert.Equal("true", dev.Configuration(FieldValues, ExampleSecret)["LlmCache:Access:AllowOpen"]);
        Assert.False(prod.Configuration(FieldValues, ExampleSecret).ContainsKey("LlmCache:Access:AllowOpen"));
        Assert.True(IsSiloSetting("LlmCache__Access__Keys__0__Sha256") && IsSiloSetting("LlmCache__Access__Keys__3__Tenants__1") && IsSiloSetting("LlmCache__Access__Keys__0__Operator"));
        Assert.False(IsSiloSetting("LlmCache__Access__Keys__0__Tenant"));
    }

    [Fact]
    public async Task OperatorPages_TheDevOverlayRunsOpen_AndTheProdOverlayTakesBasicCredentialsFromASecret()
    {
        var dev = await SiloManifest.RenderAsync("overlays/dev");
        var prod = await SiloManifest.RenderAsync("overlays/prod");

        // A pod refuses to start with open operator pages (OperatorPagesStartupTests): dev says it may, prod guards them.
        Assert.Equal("true", dev.Configuration(FieldValues, ExampleSecret)["LlmCache:Dashboard:AllowOpen"]);
        var configuration = prod.Configuration(FieldValues, ExampleSecret);
        Assert.False(configuration.ContainsKey("LlmCache:Dashboard:AllowOpen"));
        Assert.Equal("Basic", configuration["LlmCache:Dashboard:Authentication"]);
        Assert.Equal(("llmcache-dashboard", "username"), (prod.Environment["LlmCache__Dashboard__Username"].SecretName, prod.Environment["LlmCache__Dashboard__Username"].SecretKey));
        Assert.Equal(("llmcache-dashboard", "password-hash"), (prod.Environment["LlmCache__Dashboard__PasswordHash"].SecretName, prod.Environment["LlmCache__Dashboard__PasswordHash"].SecretKey));
        Assert.DoesNotContain(prod.Environment.Keys, k => k == "LlmCache__Dashboard__Password");
        Assert.DoesNotContain(prod.Rendered.OfKind("Secret"), s => s.Name == "llmcache-dashboard"); // made by the operator, not by the overlay
    }

    [Fact]
    public async Task ProdOverlay_TakesBackendAddressesFromAnExistingSecret_AndGeneratesNone()
    {
        var silo = await SiloManifest.RenderAsync("overlays/prod");

        Assert.Empty(silo.Rendered.OfKind("Secret"));
        Assert.Equal(
            ["ConnectionStrings__PostgreSQL", "ConnectionStrings__Redis"],
            silo.Environment.Where(e => e.Value.SecretName == "llmcache-backends").Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AppServerExample_ReachesTheProdCluster_ThroughRedis()
    {
        var silo = await SiloManifest.RenderAsync("overlays/prod");
        var siloOptions = Bind(silo);
        var example = await Kustomize.RenderAsync("examples/app-server");
        var pod = example.Single("Deployment", "my-app")["spec"]["template"];
        var container = pod["spec"]["containers"].Items.Single();
        var configMap = example.Single("ConfigMap", container["envFrom"].Items.Single()["configMapRef"]["name"].Text!);

        Assert.Equal("true", pod["metadata"]["labels"][AppServerLabel].Text);
        var keys = configMap["data"].Entries.Keys.Concat(container["env"].Items.Select(e => e["name"].Text!)).ToList();
        var unknown = keys.Where(k => !IsProperty<LlmCacheClusterOptions>(LlmCacheClusterOptions.SectionName, k)
            && !IsProperty<TlsConnectionOptions>(ClientTlsSection, k)
            && !IsProperty<LlmCacheOptions>(LlmCacheOptions.SectionName, k)).ToList();
        Assert.True(unknown.Count == 0, $"the client library reads none of {string.Join(", ", unknown)}");

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            configMap["data"].Entries.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value.Text))
                .Append(KeyValuePair.Create("LlmCache:Cluster:RedisConnectionString", (string?)"redis:6379"))).Build();
        var cluster = new LlmCacheClusterOptions();
        configuration.GetSection(LlmCacheClusterOptions.SectionName).Bind(cluster);
        Assert.Equal(siloOptions.ClusterId, cluster.ClusterId);
        Assert.Equal(siloOptions.ServiceId, cluster.ServiceId);
        Assert.Equal("redis", container["env"].Items.Single(e => e["name"].Text == "LlmCache__Cluster__RedisConnectionString")["valueFrom"]["secretKeyRef"]["key"].Text);
    }

    [Fact]
    public async Task ProdOverlay_TurnsOnMutualTls_WithTheFilesOfTheSilosCertificateSecret()
    {
        var silo = await SiloManifest.RenderAsync("overlays/prod");
        var tls = new LlmCacheTlsOptions();
        new ConfigurationBuilder().AddInMemoryCollection(silo.Configuration(FieldValues, ExampleSecret)).Build().GetSection(LlmCacheTlsOptions.SectionName).Bind(tls);
        var mount = silo.SecretMountPath(TlsSecret);

        Assert.True(tls.Enabled);
        Assert.True(tls.ClientCertificateRequired, "prod admits only app servers with a certificate of the cluster's CA");
        Assert.False(tls.AllowPlainBackends);
        Assert.NotNull(mount);
        Assert.Equal(new[] { $"{mount}/tls.crt", $"{mount}/tls.key", $"{mount}/ca.crt" }, new[] { tls.CertificatePath, tls.KeyPath, tls.CaCertificatePath });

        // The certificate cert-manager issues into that Secret carries the name the silos check, for both uses.
        var certificate = CertManagerCertificate(TlsSecret);
        Assert.Equal(silo.Deployment["metadata"]["namespace"].Text, certificate["metadata"]["namespace"].Text);
        Assert.Contains(tls.ServerName, certificate["spec"]["dnsNames"].Items.Select(n => n.Text));
        Assert.Contains("server auth", certificate["spec"]["usages"].Items.Select(u => u.Text));
        Assert.Contains("client auth", certificate["spec"]["usages"].Items.Select(u => u.Text));

        // And the silo accepts such files (the ones made here are issued like cert-manager's).
        Bind(silo);
    }

    [Fact]
    public async Task ProdOverlay_RefusesBackendsWithoutTls_SayingWhatToAdd()
    {
        var silo = await SiloManifest.RenderAsync("overlays/prod");

        var error = Assert.Throws<LlmCacheStartupException>(() => Bind(silo, PlainSecret)).Message;

        Assert.Contains("ConnectionStrings:Redis connects to Redis without TLS", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevOverlay_HasNoTls_AndAllowsItsOwnPlainBackends()
    {
        var silo = await SiloManifest.RenderAsync("overlays/dev");

        Assert.Null(silo.SecretMountPath(TlsSecret));
        Assert.DoesNotContain(silo.Environment.Keys, k => k == "LlmCache__Tls__Enabled");
        Assert.Equal("true", silo.Environment["LlmCache__Tls__AllowPlainBackends"].Value);
        Bind(silo, (secret, key) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(silo.Rendered.Single("Secret", secret)["data"][key].Text!)));
    }

    [Fact]
    public async Task AppServerExample_PresentsACertificateOfTheClustersCa_AndChecksTheSilosName()
    {
        var silo = await SiloManifest.RenderAsync("overlays/prod");
        var siloTls = silo.Configuration(FieldValues, ExampleSecret);
        var example = await Kustomize.RenderAsync("examples/app-server");
        var pod = example.Single("Deployment", "my-app")["spec"]["template"];
        var container = pod["spec"]["containers"].Items.Single();
        var configMap = example.Single("ConfigMap", container["envFrom"].Items.Single()["configMapRef"]["name"].Text!);
        var certificate = example.OfKind("Certificate").Single();
        var volume = pod["spec"]["volumes"].Items.Single(v => v["secret"]["secretName"].Text == certificate["spec"]["secretName"].Text);
        var mount = container["volumeMounts"].Items.Single(m => m["name"].Text == volume["name"].Text)["mountPath"].Text!;

        var settings = configMap["data"].Entries.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => e.Value.Text);
        var cluster = new LlmCacheClusterOptions();
        new ConfigurationBuilder().AddInMemoryCollection(ManifestCertificates.Remap(settings, mount, certificates.AppServer)).Build()
            .GetSection(LlmCacheClusterOptions.SectionName).Bind(cluster);

        Assert.True(cluster.Tls.Enabled);
        Assert.Equal(siloTls["LlmCache:Tls:ServerName"], cluster.Tls.ServerName);
        Assert.Contains("client auth", certificate["spec"]["usages"].Items.Select(u => u.Text));
        Assert.Equal(CertManagerCertificate(TlsSecret)["spec"]["issuerRef"]["name"].Text, certificate["spec"]["issuerRef"]["name"].Text);

        // The client library accepts the files cert-manager writes into that Secret.
        var checks = new SettingChecks(ClientTlsSection);
        Assert.NotNull(TlsEndpoint.ForClient(ClientTlsSection, cluster.Tls, checks, DateTimeOffset.UtcNow));
        Assert.True(checks.Result.Succeeded, checks.Result.FailureMessage);
    }

    [Fact]
    public async Task SiloImage_ExposesTheSilosPorts_AndRunsAsTheManifestsUser()
    {
        var silo = await SiloManifest.RenderAsync("overlays/prod");
        var options = Bind(silo);
        var dockerfile = RepositoryFiles.Read("deploy/docker/silo.Dockerfile").Split('\n');

        var exposed = dockerfile.Single(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal))["EXPOSE ".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture));
        Assert.Equal(new[] { options.SiloPort, options.GatewayPort, options.HttpPort }.Order(), exposed.Order());
        var user = dockerfile.Last(l => l.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..].Trim();
        Assert.Equal(user, silo.Pod["spec"]["securityContext"]["runAsUser"].Text);
    }

    private const string AppServerLabel = "llmcache.io/client";
    private const string GatewayClientLabel = "llmcache.io/gateway-client";
    private const string MetricsScraperLabel = "llmcache.io/metrics-scraper";

    /// <summary>
    /// Binds the manifest's configuration exactly as the silo program does, through its own validation: the silo's
    /// settings (TLS certificate files included, from Secret llmcache-tls where the overlay mounts it) when it is
    /// configured, PostgreSQL storage's when the host starts.
    /// </summary>
    private LlmCacheSiloOptions Bind(SiloManifest silo, Func<string, string, string>? secretValue = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(WithTlsFiles(silo, silo.Configuration(FieldValues, secretValue ?? ExampleSecret)));
        builder.AddOrleansLlmCacheSilo(); // throws LlmCacheStartupException naming any setting it refuses
        using (var host = builder.Build())
        {
            _ = host.Services.GetRequiredService<IOptions<PostgresStorageOptions>>().Value; // throws OptionsValidationException naming any it refuses
        }

        return (LlmCacheSiloOptions)builder.Services.Single(d => d.ServiceType == typeof(LlmCacheSiloOptions)).ImplementationInstance!;
    }

    /// <summary>
    /// The gateway's settings as the silo binds them (unknown names refused), through the gateway's own validation: the
    /// manifest's environment, then the Secret <paramref name="secret"/> mounted at the settings directory and read as
    /// the silo reads it, one file a setting.
    /// </summary>
    private static LlmCacheGatewayOptions BindGateway(SiloManifest silo, IReadOnlyDictionary<string, string> secret)
    {
        using var volume = SecretVolume.Create(secret);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(silo.Configuration(FieldValues, ExampleSecret))
            .AddKeyPerFile(volume.Path, optional: true)
            .Build();
        var options = new LlmCacheGatewayOptions();
        configuration.GetSection(LlmCacheGatewayOptions.SectionName).Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        var result = new LlmCacheGatewayOptionsValidator().Validate(null, options);
        Assert.True(result.Succeeded, result.FailureMessage);
        return options;
    }

    // Backends over TLS, as production's are (docs/deploy.md): every overlay accepts them.
    private static string ExampleSecret(string secret, string key) => key switch
    {
        "redis" => "redis.internal:6380,password=example,ssl=true",
        "postgresql" => "Host=pg.internal;Database=llmcache;Username=llmcache;Password=example;SSL Mode=VerifyFull",
        "username" or "password-hash" => DashboardSecret(secret, key),
        _ => throw new Xunit.Sdk.XunitException($"no test value for Secret {secret} key {key}"),
    };

    private static string PlainSecret(string secret, string key) => key switch
    {
        "redis" => "redis:6379",
        "postgresql" => "Host=postgres;Database=llmcache;Username=llmcache;Password=example",
        "username" or "password-hash" => DashboardSecret(secret, key),
        _ => throw new Xunit.Sdk.XunitException($"no test value for Secret {secret} key {key}"),
    };

    /// <summary>Secret llmcache-dashboard of the prod overlay, as docs/deploy.md makes it.</summary>
    internal static string DashboardSecret(string secret, string key) => (secret, key) switch
    {
        ("llmcache-dashboard", "username") => "ops",
        ("llmcache-dashboard", "password-hash") => ExampleDashboardPasswordHash,
        _ => throw new Xunit.Sdk.XunitException($"no test value for Secret {secret} key {key}"),
    };

    internal const string ExampleDashboardPassword = "an example operator password";

    internal static readonly string ExampleDashboardPasswordHash = Security.BasicOperatorSilo.PasswordHash(ExampleDashboardPassword);

    /// <summary>The configuration with the TLS files' paths pointing at <see cref="ManifestCertificates.Silo"/>, where the overlay mounts Secret llmcache-tls.</summary>
    private Dictionary<string, string?> WithTlsFiles(SiloManifest silo, Dictionary<string, string?> configuration) =>
        silo.SecretMountPath(TlsSecret) is { } mount ? ManifestCertificates.Remap(configuration, mount, certificates.Silo) : configuration;

    private const string TlsSecret = "llmcache-tls";

    private const string ClientTlsSection = $"{LlmCacheClusterOptions.SectionName}:{nameof(LlmCacheClusterOptions.Tls)}";

    /// <summary>The cert-manager Certificate of deploy/k8s/tls/cert-manager.yaml that writes Secret <paramref name="secretName"/>.</summary>
    private static YamlNode CertManagerCertificate(string secretName) =>
        YamlNode.LoadAll(RepositoryFiles.Read("deploy/k8s/tls/cert-manager.yaml")).Single(d => d.Kind == "Certificate" && d["spec"]["secretName"].Text == secretName);

    private static void AssertProbe(YamlNode probe, string path)
    {
        Assert.Equal(path, probe["httpGet"]["path"].Text);
        Assert.Equal("http", probe["httpGet"]["port"].Text);
    }

    private static bool IsSiloSetting(string variable) =>
        variable is PodEnvironment.PodIp or PodEnvironment.PodName or PodEnvironment.PodNamespace
            or "ConnectionStrings__Redis" or "ConnectionStrings__PostgreSQL" or SiloManifest.SettingsDirectoryVariable
        || variable.StartsWith("Logging__", StringComparison.Ordinal)
        || IsProperty<LlmCacheSiloOptions>(LlmCacheSiloOptions.SectionName, variable)
        || IsProperty<LlmCacheTlsOptions>(LlmCacheTlsOptions.SectionName, variable)
        || IsProperty<PostgresStorageOptions>(PostgresStorageOptions.SectionName, variable)
        || IsProperty<ClusterMembershipOptions>("Orleans:Membership", variable)
        || IsProperty<LlmCacheAccessOptions>(LlmCacheAccessOptions.SectionName, variable)
        || IsAccessKeySetting(variable)
        || IsDashboardSetting(variable)
        || IsGatewaySetting(variable);

    // LlmCache:Dashboard is the silo program's own section (silo/Hosting/SiloDashboardOptions.cs), which these tests do
    // not reference; the silo refuses a name it does not know, and ManifestConfiguredSiloTests starts it with prod's.
    private static bool IsDashboardSetting(string variable) =>
        variable.StartsWith("LlmCache__Dashboard__", StringComparison.Ordinal)
        && variable["LlmCache__Dashboard__".Length..].Split("__") switch
        {
            ["Authentication" or "Username" or "Password" or "PasswordHash" or "AllowOpen" or "FailedLoginLimit" or "FailedLoginWindow" or "ProfileGrainCallsAlways"] => true,
            ["TrustedProxy", "Header"] => true,
            ["TrustedProxy", "Networks", var index] => int.TryParse(index, CultureInfo.InvariantCulture, out _),
            _ => false,
        };

    private static bool IsAccessKeySetting(string variable) =>
        variable.StartsWith("LlmCache__Access__Keys__", StringComparison.Ordinal)
        && variable["LlmCache__Access__Keys__".Length..].Split("__") switch
        {
            [var index, var name] => int.TryParse(index, CultureInfo.InvariantCulture, out _) && typeof(AccessKeyOptions).GetProperty(name) is { CanWrite: true },
            [var index, "Tenants", var tenant] => int.TryParse(index, CultureInfo.InvariantCulture, out _) && int.TryParse(tenant, CultureInfo.InvariantCulture, out _),
            _ => false,
        };

    private static bool IsGatewaySetting(string variable)
    {
        const string Prefix = "LlmCache__Gateway__";
        if (!variable.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = variable[Prefix.Length..].Split("__");
        return parts switch
        {
            ["Upstream", var name] => typeof(GatewayUpstreamOptions).GetProperty(name) is { CanWrite: true },
            ["ApiKeys", var index, var name] => int.TryParse(index, CultureInfo.InvariantCulture, out _) && typeof(GatewayApiKeyOptions).GetProperty(name) is { CanWrite: true },
            [var name] => typeof(LlmCacheGatewayOptions).GetProperty(name) is { CanWrite: true, PropertyType.IsPrimitive: true },
            _ => false,
        };
    }

    private static bool IsProperty<T>(string section, string variable)
    {
        var prefix = section.Replace(":", "__", StringComparison.Ordinal) + "__";
        return variable.StartsWith(prefix, StringComparison.Ordinal)
            && typeof(T).GetProperty(variable[prefix.Length..], BindingFlags.Public | BindingFlags.Instance) is { CanWrite: true };
    }
}
