using OrleansLlmCache.Abstractions.Tls;

namespace OrleansLlmCache.Hosting.Options;

/// <summary>
/// TLS for a silo's Orleans connections (configuration section <c>LlmCache:Tls</c>): the silo port (silo to silo) and
/// the gateway port (app servers, the command line), with the settings every end has (<see cref="TlsConnectionOptions"/>)
/// and a silo's own. Off by default. Also decides whether the silo may reach Redis and PostgreSQL without TLS:
/// <code>
/// "LlmCache": { "Tls": { "Enabled": true, "CertificatePath": "/etc/llmcache/tls/tls.crt", "KeyPath": "/etc/llmcache/tls/tls.key",
///                        "CaCertificatePath": "/etc/llmcache/tls/ca.crt", "ServerName": "llmcache-silo.llmcache.svc",
///                        "ClientCertificateRequired": true } }
/// </code>
/// </summary>
public sealed class LlmCacheTlsOptions : TlsConnectionOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Tls";

    /// <summary>
    /// Mutual TLS: every client and silo that connects must present a certificate issued by an authority this silo
    /// trusts (<see cref="TlsConnectionOptions.CaCertificatePath"/>), or it is refused before any call. The silo's
    /// own certificate must then be allowed for client authentication too: silos present it to each other. Default: false.
    /// </summary>
    public bool ClientCertificateRequired { get; set; }

    /// <summary>
    /// Lets the silo reach Redis and PostgreSQL without TLS where it would otherwise refuse to start: in Kubernetes
    /// (the pod's <c>POD_IP</c> or <c>POD_NAME</c> is set) or with <see cref="TlsConnectionOptions.Enabled"/>. For
    /// backends on a network the operator trusts, such as the development overlay's in-cluster ones. Default: false.
    /// </summary>
    public bool AllowPlainBackends { get; set; }
}
