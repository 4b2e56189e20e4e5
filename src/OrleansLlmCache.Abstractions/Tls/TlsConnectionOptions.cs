namespace OrleansLlmCache.Abstractions.Tls;

/// <summary>
/// TLS for the Orleans connections of a cluster: app server to silo gateway, and silo to silo. Both ends have these
/// settings: a silo in <c>LlmCache:Tls</c> (which adds settings only a silo has), an app server, the command line and
/// any other client in <c>LlmCache:Cluster:Tls</c>. Off by default; every silo and client of a cluster must agree,
/// because a plain end cannot talk to a TLS end.
/// <code>
/// "LlmCache": { "Tls": { "Enabled": true, "CertificatePath": "/etc/llmcache/tls/tls.crt", "KeyPath": "/etc/llmcache/tls/tls.key",
///                        "CaCertificatePath": "/etc/llmcache/tls/ca.crt", "ServerName": "llmcache-silo.llmcache.svc" } }
/// </code>
/// Certificate files are read once, when the host starts: a renewed certificate is used after a restart.
/// </summary>
public class TlsConnectionOptions
{
    /// <summary>Whether Orleans connections use TLS. Default: false.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// This end's certificate, a PEM file; its private key is in the same file or in <see cref="KeyPath"/>. Or use
    /// <see cref="PfxPath"/>. A silo needs a certificate; a client only when the silos require client certificates
    /// (mutual TLS).
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>, when that file does not hold it.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Instead of <see cref="CertificatePath"/>: a PKCS#12 (.pfx) file with the certificate and its private key.</summary>
    public string? PfxPath { get; set; }

    /// <summary>The password of <see cref="PfxPath"/>, or of an encrypted PEM private key.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// A PEM file of the certificate authorities that issued the other ends' certificates (one or more, such as the
    /// cluster's private CA). When set, only these are trusted, not the machine's; when not set, the machine's trusted
    /// authorities are.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>
    /// A DNS name the silos' certificate carries, such as the silo Service's <c>llmcache-silo.llmcache.svc</c>: every
    /// connection to a silo checks that the certificate holds it. Connections go to silos' IP addresses (pod IPs, which
    /// change), so the name is checked rather than the address. Required when <see cref="CaCertificatePath"/> is not
    /// set: any certificate a public authority issued would do otherwise.
    /// </summary>
    public string? ServerName { get; set; }
}
