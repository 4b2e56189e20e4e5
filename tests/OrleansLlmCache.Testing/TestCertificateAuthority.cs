using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansLlmCache.Testing;

/// <summary>
/// A private certificate authority made in the test, as an operator's would be (openssl or cert-manager): a
/// self-signed CA certificate, and certificates it issues for silos (server and client authentication, with DNS
/// names) and for app servers (client authentication). ECDSA P-256 keys: quick to make.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private TestCertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    public X509Certificate2 Certificate { get; }

    public static TestCertificateAuthority Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return new TestCertificateAuthority(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-90), DateTimeOffset.UtcNow.AddYears(1)));
    }

    /// <summary>A silo's certificate: server and client authentication (silos connect to each other), for <paramref name="dnsNames"/>.</summary>
    public X509Certificate2 IssueSilo(params string[] dnsNames) => Issue("llmcache-silo", dnsNames, [ServerAuthentication, ClientAuthentication]);

    /// <summary>An app server's certificate: client authentication only.</summary>
    public X509Certificate2 IssueClient(string name = "my-app") => Issue(name, [], [ClientAuthentication]);

    public X509Certificate2 Issue(string name, string[] dnsNames, Oid[] usages, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        if (usages.Length > 0)
        {
            var collection = new OidCollection();
            foreach (var usage in usages)
            {
                collection.Add(usage);
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(collection, critical: false));
        }

        if (dnsNames.Length > 0)
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (var dns in dnsNames)
            {
                names.AddDnsName(dns);
            }

            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(
            Certificate,
            notBefore ?? DateTimeOffset.UtcNow.AddHours(-1),
            notAfter ?? DateTimeOffset.UtcNow.AddDays(30),
            serial);
        return issued.CopyWithPrivateKey(key);
    }

    public void Dispose() => Certificate.Dispose();
}
