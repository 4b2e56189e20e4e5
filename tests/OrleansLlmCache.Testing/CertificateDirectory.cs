using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansLlmCache.Testing;

/// <summary>A temporary directory of certificate files, laid out as a mounted Secret would be: PEM certificate, key, CA, or PKCS#12.</summary>
public sealed class CertificateDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("llmcache-tls-").FullName;

    /// <summary>Writes the certificate (<c>NAME.crt</c>) and, unless <paramref name="withKey"/> is false, its key (<c>NAME.key</c>).</summary>
    public (string Certificate, string Key) WritePem(string name, X509Certificate2 certificate, bool withKey = true)
    {
        var certificatePath = Write($"{name}.crt", certificate.ExportCertificatePem());
        var keyPath = System.IO.Path.Combine(Path, $"{name}.key");
        if (withKey)
        {
            File.WriteAllText(keyPath, PrivateKey(certificate).ExportPkcs8PrivateKeyPem());
        }

        return (certificatePath, keyPath);
    }

    /// <summary>Writes the key encrypted with <paramref name="password"/>.</summary>
    public string WriteEncryptedKey(string name, X509Certificate2 certificate, string password) =>
        Write($"{name}.key", PrivateKey(certificate).ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));

    public string WritePfx(string name, X509Certificate2 certificate, string? password)
    {
        var path = System.IO.Path.Combine(Path, $"{name}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    public string Write(string name, string contents)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, contents);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);

    private static AsymmetricAlgorithm PrivateKey(X509Certificate2 certificate) =>
        (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("no private key");
}
