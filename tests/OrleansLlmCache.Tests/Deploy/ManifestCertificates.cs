using System.Security.Cryptography.X509Certificates;

namespace OrleansLlmCache.Tests.Deploy;

/// <summary>
/// The TLS Secrets the manifests mount, made as cert-manager issues them from deploy/k8s/tls/cert-manager.yaml: the
/// silos' (llmcache-tls: <c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>, for the Service's DNS names) and an app
/// server's client certificate, each laid out as the kubelet mounts a Secret.
/// </summary>
public sealed class ManifestCertificates : IDisposable
{
    /// <summary>The name the manifests check in the silos' certificate.</summary>
    public const string SiloServerName = "llmcache-silo.llmcache.svc";

    public ManifestCertificates()
    {
        using var ca = TestCertificateAuthority.Create("llmcache CA");
        using var silo = ca.IssueSilo("llmcache-silo", "llmcache-silo.llmcache", SiloServerName, "llmcache-silo.llmcache.svc.cluster.local");
        using var app = ca.IssueClient();
        Silo = SecretVolume.Create(Entries(ca, silo));
        AppServer = SecretVolume.Create(Entries(ca, app));
    }

    /// <summary>Secret llmcache-tls, as mounted in a silo pod.</summary>
    internal SecretVolume Silo { get; }

    /// <summary>An app server's Secret, as mounted in its pod.</summary>
    internal SecretVolume AppServer { get; }

    /// <summary>
    /// <paramref name="configuration"/> with every value that is a path under <paramref name="mountPath"/> (where a pod
    /// mounts the Secret) pointing into <paramref name="volume"/> instead.
    /// </summary>
    internal static Dictionary<string, string?> Remap(IReadOnlyDictionary<string, string?> configuration, string mountPath, SecretVolume volume) =>
        configuration.ToDictionary(
            e => e.Key,
            e => e.Value is { } value && value.StartsWith(mountPath + "/", StringComparison.Ordinal) ? volume.Path + value[mountPath.Length..] : e.Value,
            StringComparer.OrdinalIgnoreCase);

    public void Dispose()
    {
        Silo.Dispose();
        AppServer.Dispose();
    }

    private static Dictionary<string, string> Entries(TestCertificateAuthority ca, X509Certificate2 certificate) => new(StringComparer.Ordinal)
    {
        ["tls.crt"] = certificate.ExportCertificatePem(),
        ["tls.key"] = certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(),
        ["ca.crt"] = ca.Certificate.ExportCertificatePem(),
    };
}
