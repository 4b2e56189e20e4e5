using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansLlmCache.Abstractions.Tls;
using OrleansLlmCache.Core.Validation;

namespace OrleansLlmCache.Core.Tls;

/// <summary>
/// Reads the certificate files that <see cref="TlsConnectionOptions"/> names and says, naming the setting, why one
/// cannot be used: missing, not a certificate, no private key or not its key, expired, or not allowed for the use it is
/// put to. Without these checks the first sign of a wrong file is a failed handshake, logged far from the setting.
/// </summary>
internal static class TlsCertificateFiles
{
    /// <summary>The extended key usage of a TLS server's certificate.</summary>
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>The extended key usage of a TLS client's certificate.</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>The setting that names this end's certificate, for messages: <c>PfxPath</c> or <c>CertificatePath</c>.</summary>
    public static string CertificateSetting(TlsConnectionOptions options) =>
        IsSet(options.PfxPath) ? nameof(options.PfxPath) : nameof(options.CertificatePath);

    /// <summary>
    /// This end's certificate with its private key; <see langword="null"/> when none is configured, or when it cannot be
    /// used (each reason added to <paramref name="checks"/>).
    /// </summary>
    public static X509Certificate2? LoadOwn(TlsConnectionOptions options, SettingChecks checks, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(checks);
        var pem = IsSet(options.CertificatePath);
        var pfx = IsSet(options.PfxPath);
        if (pem && pfx)
        {
            checks.Fail($"{nameof(options.CertificatePath)} and {nameof(options.PfxPath)}", "are both set: set one of them (a PEM certificate, or a PKCS#12 file).");
            return null;
        }

        if (!pem && IsSet(options.KeyPath))
        {
            checks.Fail(nameof(options.KeyPath), $"is set without {nameof(options.CertificatePath)}: set {nameof(options.CertificatePath)} to the PEM certificate the key belongs to.");
            return null;
        }

        var certificate = pfx ? LoadPfx(options, checks) : pem ? LoadPem(options, checks) : null;
        if (certificate is not null && !InValidityPeriod(certificate, CertificateSetting(options), checks, now))
        {
            certificate.Dispose();
            return null;
        }

        return certificate;
    }

    /// <summary>
    /// The authorities of <see cref="TlsConnectionOptions.CaCertificatePath"/>; <see langword="null"/> when it is not
    /// set or cannot be used (each reason added to <paramref name="checks"/>).
    /// </summary>
    public static X509Certificate2Collection? LoadAuthorities(TlsConnectionOptions options, SettingChecks checks, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(checks);
        const string Setting = nameof(options.CaCertificatePath);
        if (!IsSet(options.CaCertificatePath) || !Exists(options.CaCertificatePath!, Setting, checks))
        {
            return null;
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(options.CaCertificatePath!);
        }
        catch (CryptographicException ex)
        {
            checks.Fail(Setting, $"'{options.CaCertificatePath}' is not a PEM file of certificates ({FirstLine(ex)}).");
            return null;
        }

        if (authorities.Count == 0)
        {
            checks.Fail(Setting, $"'{options.CaCertificatePath}' holds no certificate: it should hold one or more blocks beginning with -----BEGIN CERTIFICATE-----.");
            return null;
        }

        return authorities.All(a => InValidityPeriod(a, Setting, checks, now)) ? authorities : null;
    }

    /// <summary>
    /// Adds a failure unless <paramref name="certificate"/> may be used for <paramref name="usage"/> (a certificate
    /// without an extended key usage extension may be used for anything).
    /// </summary>
    public static bool RequireUsage(X509Certificate2 certificate, string usage, string setting, string why, SettingChecks checks)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(checks);
        var allowed = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .All(e => e.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == usage));
        if (!allowed)
        {
            var name = usage == ServerAuthentication ? "server authentication" : "client authentication";
            checks.Fail(setting, $"names the certificate {certificate.Subject}, whose extended key usage lacks {name} ({usage}), which {why}: issue it with that usage.");
        }

        return allowed;
    }

    public static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);

    private static X509Certificate2? LoadPfx(TlsConnectionOptions options, SettingChecks checks)
    {
        const string Setting = nameof(options.PfxPath);
        if (!Exists(options.PfxPath!, Setting, checks))
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(options.PfxPath!, options.Password);
        }
        catch (CryptographicException ex)
        {
            checks.Fail(Setting, $"'{options.PfxPath}' cannot be opened as a PKCS#12 file with the configured {nameof(options.Password)} ({FirstLine(ex)}): check the file and the password.");
            return null;
        }

        if (!certificate.HasPrivateKey)
        {
            checks.Fail(Setting, $"'{options.PfxPath}' holds the certificate {certificate.Subject} without its private key: export it with the key.");
            certificate.Dispose();
            return null;
        }

        return certificate;
    }

    private static X509Certificate2? LoadPem(TlsConnectionOptions options, SettingChecks checks)
    {
        var certificatePath = options.CertificatePath!;
        var keySetting = IsSet(options.KeyPath) ? nameof(options.KeyPath) : nameof(options.CertificatePath);
        var keyPath = IsSet(options.KeyPath) ? options.KeyPath! : certificatePath;
        if (!Exists(certificatePath, nameof(options.CertificatePath), checks) | (IsSet(options.KeyPath) && !Exists(keyPath, keySetting, checks)))
        {
            return null;
        }

        using var alone = ReadCertificate(certificatePath, checks);
        if (alone is null)
        {
            return null;
        }

        var key = FindPrivateKeyLabel(keyPath);
        if (key is null)
        {
            checks.Fail(keySetting, keySetting == nameof(options.KeyPath)
                ? $"'{keyPath}' holds no PEM private key (a block beginning with -----BEGIN PRIVATE KEY-----)."
                : $"'{certificatePath}' holds the certificate {alone.Subject} but no private key: set {nameof(options.KeyPath)} to the key's file, or append the key to this one.");
            return null;
        }

        var encrypted = key == "ENCRYPTED PRIVATE KEY";
        if (encrypted && !IsSet(options.Password))
        {
            checks.Fail(nameof(options.Password), $"is required: the private key in '{keyPath}' is encrypted.");
            return null;
        }

        try
        {
            using var withKey = encrypted
                ? X509Certificate2.CreateFromEncryptedPemFile(certificatePath, options.Password, keyPath)
                : X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

            // A key read from PEM is ephemeral, which Windows' TLS cannot use for a server: a PKCS#12 round trip gives
            // one every platform can (on Linux it changes nothing).
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // ArgumentException: a key of another certificate; CryptographicException: not a key this can read.
            checks.Fail(keySetting, encrypted
                ? $"'{keyPath}' holds an encrypted key that the configured {nameof(options.Password)} does not open, or not the key of the certificate {alone.Subject} ({FirstLine(ex)})."
                : $"'{keyPath}' does not hold the private key of the certificate {alone.Subject} in '{certificatePath}' ({FirstLine(ex)}).");
            return null;
        }
    }

    private static X509Certificate2? ReadCertificate(string path, SettingChecks checks)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException ex)
        {
            checks.Fail(nameof(TlsConnectionOptions.CertificatePath), $"'{path}' is not a certificate ({FirstLine(ex)}): it should be a PEM file beginning with -----BEGIN CERTIFICATE-----.");
            return null;
        }
    }

    // The label of the first PEM private key in the file (PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED
    // PRIVATE KEY), or null when it holds none.
    private static string? FindPrivateKeyLabel(string path)
    {
        var text = File.ReadAllText(path).AsSpan();
        while (PemEncoding.TryFind(text, out var fields))
        {
            var label = text[fields.Label].ToString();
            if (label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
            {
                return label;
            }

            text = text[fields.Location.End..];
        }

        return null;
    }

    private static bool InValidityPeriod(X509Certificate2 certificate, string setting, SettingChecks checks, DateTimeOffset now)
    {
        if (certificate.NotAfter.ToUniversalTime() < now.UtcDateTime)
        {
            checks.Fail(setting, $"names the certificate {certificate.Subject}, which expired on {Utc(certificate.NotAfter)}: renew it.");
            return false;
        }

        if (certificate.NotBefore.ToUniversalTime() > now.UtcDateTime)
        {
            checks.Fail(setting, $"names the certificate {certificate.Subject}, which is not valid before {Utc(certificate.NotBefore)}: check the clock, or wait.");
            return false;
        }

        return true;
    }

    private static bool Exists(string path, string setting, SettingChecks checks)
    {
        if (File.Exists(path))
        {
            return true;
        }

        checks.Fail(setting, $"'{path}' does not exist{(Directory.Exists(path) ? " as a file (it is a directory)" : "")}: check the path and that the file is mounted.");
        return false;
    }

    private static string Utc(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string FirstLine(Exception ex) => ex.Message.Split('\n')[0].Trim().TrimEnd('.');
}
