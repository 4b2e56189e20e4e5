using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Connections.Security;
using OrleansLlmCache.Abstractions.Tls;
using OrleansLlmCache.Core.Validation;

namespace OrleansLlmCache.Core.Tls;

/// <summary>
/// One end's TLS, read and checked from <see cref="TlsConnectionOptions"/>: its certificate, the authorities it trusts
/// and the name it expects of silos, turned into Orleans' <see cref="TlsOptions"/> for the connections it accepts (a
/// silo's silo and gateway ports) and those it opens (to a gateway, or to another silo).
/// </summary>
/// <remarks>
/// With <see cref="TlsConnectionOptions.CaCertificatePath"/> set, the other end's chain is built against those
/// authorities alone (the machine's are not consulted); without it, against the machine's. The other end's certificate
/// must be allowed for its role (server or client authentication) either way. A refused certificate is logged with
/// the reason and the setting to look at: the TLS library itself only says that the handshake failed.
/// </remarks>
internal sealed partial class TlsEndpoint
{
    private readonly string _section;
    private readonly X509Certificate2? _certificate;
    private readonly X509Certificate2Collection? _authorities;
    private readonly string? _serverName;
    private readonly bool _clientCertificateRequired;
    private readonly bool _isSilo;

    private TlsEndpoint(string section, bool isSilo, X509Certificate2? certificate, X509Certificate2Collection? authorities, string? serverName, bool clientCertificateRequired)
    {
        _isSilo = isSilo;
        _section = section;
        _certificate = certificate;
        _authorities = authorities;
        _serverName = serverName;
        _clientCertificateRequired = clientCertificateRequired;
    }

    /// <summary>This end's certificate, if it has one.</summary>
    public X509Certificate2? Certificate => _certificate;

    /// <summary>Whether this silo refuses clients (and silos) without a certificate it trusts.</summary>
    public bool ClientCertificateRequired => _clientCertificateRequired;

    /// <summary>Whom this end trusts, for a log line: the subjects of its CA file, or the machine's authorities.</summary>
    public string TrustedAuthoritiesDescription => _authorities is null
        ? "the machine's certificate authorities"
        : string.Join("; ", _authorities.Select(a => a.Subject));

    /// <summary>
    /// A silo's TLS from <paramref name="options"/> (section <paramref name="section"/>); <see langword="null"/> when TLS
    /// is off. Every setting that cannot be used is added to <paramref name="checks"/>: use the result only when they passed.
    /// </summary>
    public static TlsEndpoint? ForSilo(string section, TlsConnectionOptions options, bool clientCertificateRequired, SettingChecks checks, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(checks);
        if (!options.Enabled)
        {
            return null;
        }

        var setting = TlsCertificateFiles.CertificateSetting(options);
        var certificate = TlsCertificateFiles.LoadOwn(options, checks, now);
        if (!TlsCertificateFiles.IsSet(options.CertificatePath) && !TlsCertificateFiles.IsSet(options.PfxPath))
        {
            checks.Fail(nameof(options.CertificatePath), $"is required with TLS on: a silo presents its certificate to clients and other silos; set it to a PEM certificate (with {nameof(options.KeyPath)}), or set {nameof(options.PfxPath)}.");
        }

        if (certificate is not null)
        {
            TlsCertificateFiles.RequireUsage(certificate, TlsCertificateFiles.ServerAuthentication, setting, "a silo's certificate needs (clients and other silos connect to it)", checks);
            if (clientCertificateRequired)
            {
                TlsCertificateFiles.RequireUsage(certificate, TlsCertificateFiles.ClientAuthentication, setting, "a silo's certificate needs when client certificates are required (silos present it when they connect to each other)", checks);
            }

            if (TlsCertificateFiles.IsSet(options.ServerName) && !certificate.MatchesHostname(options.ServerName!.Trim()))
            {
                var names = string.Join(", ", certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()));
                checks.Fail(nameof(options.ServerName), $"'{options.ServerName}' is not a name in this silo's certificate {certificate.Subject} (its DNS names: {(names.Length == 0 ? "none" : names)}), so other silos would refuse it: set it to one of those names, or issue the certificate with it.");
            }
        }

        return Create(section, isSilo: true, options, certificate, clientCertificateRequired, checks, now);
    }

    /// <summary>
    /// A client's TLS from <paramref name="options"/> (section <paramref name="section"/>); <see langword="null"/> when
    /// TLS is off. Every setting that cannot be used is added to <paramref name="checks"/>: use the result only when they passed.
    /// </summary>
    public static TlsEndpoint? ForClient(string section, TlsConnectionOptions options, SettingChecks checks, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(checks);
        if (!options.Enabled)
        {
            return null;
        }

        var certificate = TlsCertificateFiles.LoadOwn(options, checks, now);
        if (certificate is not null)
        {
            TlsCertificateFiles.RequireUsage(certificate, TlsCertificateFiles.ClientAuthentication, TlsCertificateFiles.CertificateSetting(options), "a client's certificate needs (silos check it as a client's)", checks);
        }

        return Create(section, isSilo: false, options, certificate, clientCertificateRequired: false, checks, now);
    }

    /// <summary>TLS for the connections this end accepts: a silo's silo and gateway ports.</summary>
    public TlsOptions AcceptingOptions(IServiceProvider services)
    {
        var logger = LoggerFrom(services);
        var options = new TlsOptions
        {
            LocalCertificate = _certificate,

            // Allow: a client or silo that presents a certificate must present one this end trusts; Require: every one must.
            RemoteCertificateMode = _clientCertificateRequired ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.AllowCertificate,
            RemoteCertificateValidation = (certificate, chain, errors) => Accept(certificate, chain, errors, "a client or silo connecting to this silo", logger),
        };
        if (_authorities is not null)
        {
            options.OnAuthenticateAsServer = (_, tls) =>
                ((SslServerAuthenticationOptions)tls.SslServerAuthenticationOptions).CertificateChainPolicy = TrustedAuthorities(TlsCertificateFiles.ClientAuthentication);
        }

        return options;
    }

    /// <summary>
    /// Closes an accepted connection whose first bytes are not a TLS handshake, logging who sent them: a client or silo
    /// with TLS off. Put before the TLS middleware; without it the only trace is the TLS library's "corrupted frame".
    /// </summary>
    public Func<ConnectionDelegate, ConnectionDelegate> RefusePlainConnections(IServiceProvider services)
    {
        var logger = LoggerFrom(services);
        return next => async context =>
        {
            var input = context.Transport.Input;
            ReadResult read;
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            {
                try
                {
                    read = await input.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    return; // nothing sent: the connection is closed, as the TLS handshake's own time-out would
                }
            }

            // A TLS connection opens with a handshake record (content type 22). Nothing is consumed: the TLS middleware
            // reads the same bytes next.
            var plain = !read.Buffer.IsEmpty && read.Buffer.FirstSpan[0] != TlsHandshakeRecord;
            input.AdvanceTo(read.Buffer.Start);
            if (plain)
            {
                PlainConnectionRefused(logger, context.RemoteEndPoint?.ToString() ?? "an unknown address", _section);
                return;
            }

            await next(context);
        };
    }

    /// <summary>TLS for the connections this end opens: a client's to a gateway, a silo's to another silo.</summary>
    public TlsOptions ConnectingOptions(IServiceProvider services)
    {
        var logger = LoggerFrom(services);
        return new TlsOptions
        {
            LocalCertificate = _certificate,

            // A client presents its certificate whenever it has one; a silo must present its own when silos require them.
            ClientCertificateMode = _certificate is null ? RemoteCertificateMode.NoCertificate
                : _clientCertificateRequired || !_isSilo ? RemoteCertificateMode.RequireCertificate
                : RemoteCertificateMode.AllowCertificate,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = (certificate, chain, errors) => Accept(certificate, chain, errors, "the silo this end connected to", logger),
            OnAuthenticateAsClient = (_, tls) =>
            {
                if (_serverName is not null)
                {
                    tls.TargetHost = _serverName;
                }

                if (_authorities is not null)
                {
                    ((SslClientAuthenticationOptions)tls.SslClientAuthenticationOptions).CertificateChainPolicy = TrustedAuthorities(TlsCertificateFiles.ServerAuthentication);
                }
            },
        };
    }

    private static TlsEndpoint Create(string section, bool isSilo, TlsConnectionOptions options, X509Certificate2? certificate, bool clientCertificateRequired, SettingChecks checks, DateTimeOffset now)
    {
        var authorities = TlsCertificateFiles.LoadAuthorities(options, checks, now);
        if (!TlsCertificateFiles.IsSet(options.ServerName) && !TlsCertificateFiles.IsSet(options.CaCertificatePath))
        {
            checks.Fail(nameof(options.ServerName), $"is required when {nameof(options.CaCertificatePath)} is not set: the machine's trusted authorities issue certificates to anyone, so the silos' certificate must also carry a name of theirs. Set it to a DNS name in the silo certificate, or set {nameof(options.CaCertificatePath)} to the cluster's own CA.");
        }

        return new TlsEndpoint(section, isSilo, certificate, authorities, TlsCertificateFiles.IsSet(options.ServerName) ? options.ServerName!.Trim() : null, clientCertificateRequired);
    }

    // A new policy for every handshake: the TLS stream adds the other end's intermediate certificates to it.
    private X509ChainPolicy TrustedAuthorities(string usage)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,

            // A private CA publishes no revocation lists; the machine's authorities are not checked for revocation either.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(_authorities!);
        policy.ApplicationPolicy.Add(new Oid(usage));
        return policy;
    }

    private bool Accept(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors, string whose, ILogger logger)
    {
        // Without a ServerName no name is asked for (the trusted authorities are the cluster's own), and the TLS stream's
        // check against the empty target name means nothing.
        var ignored = _serverName is null ? SslPolicyErrors.RemoteCertificateNameMismatch : SslPolicyErrors.None;
        var remaining = errors & ~ignored;
        if (remaining == SslPolicyErrors.None)
        {
            return true;
        }

        var reasons = new List<string>();
        if (remaining.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reasons.Add($"it does not carry the name '{_serverName}' ({_section}:{nameof(TlsConnectionOptions.ServerName)})");
        }

        if (remaining.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var status = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
            reasons.Add($"it is not issued by an authority this end trusts, or not for this use ({(status.Count == 0 ? "chain errors" : string.Join(", ", status))}; {_section}:{nameof(TlsConnectionOptions.CaCertificatePath)})");
        }

        if (remaining.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reasons.Add("there is none");
        }

        CertificateRefused(logger, whose, certificate.Subject, certificate.Issuer, string.Join("; ", reasons));
        return false;
    }

    private const byte TlsHandshakeRecord = 0x16;

    private static ILogger LoggerFrom(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger("OrleansLlmCache.Tls") ?? NullLogger.Instance;

    [LoggerMessage(1801, LogLevel.Warning, "TLS: refused the certificate of {Whose}, {Subject} issued by {Issuer}: {Reason}.")]
    private static partial void CertificateRefused(ILogger logger, string whose, string subject, string issuer, string reason);

    [LoggerMessage(1802, LogLevel.Warning, "TLS: closed a connection from {Remote} that does not use TLS: a client with LlmCache:Cluster:Tls:Enabled off, or a silo with {Section}:Enabled off, cannot talk to this silo.")]
    private static partial void PlainConnectionRefused(ILogger logger, string remote, string section);
}
