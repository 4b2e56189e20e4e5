using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Core.Tls;
using OrleansLlmCache.Hosting.Options;

namespace OrleansLlmCache.Hosting.Tls;

/// <summary>
/// Says at start-up that the silo's connections use TLS, with which certificate and trust, and warns when the
/// certificate expires soon: the silo reads it only when it starts, so a renewal must be followed by a restart.
/// </summary>
internal sealed partial class SiloTlsNote(TlsEndpoint endpoint, TimeProvider time, ILogger<SiloTlsNote> logger) : IHostedService
{
    /// <summary>How long before its certificate expires a starting silo warns.</summary>
    internal static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(14);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var certificate = endpoint.Certificate!;
        var notAfter = certificate.NotAfter.ToUniversalTime();
        TlsOn(logger, certificate.Subject, Utc(notAfter), endpoint.ClientCertificateRequired ? "required" : "optional", endpoint.TrustedAuthoritiesDescription);
        var left = notAfter - time.GetUtcNow().UtcDateTime;
        if (left < ExpiryWarning)
        {
            ExpiresSoon(logger, certificate.Subject, Utc(notAfter), Math.Max(0, (int)left.TotalDays), LlmCacheTlsOptions.SectionName);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Utc(DateTime time) => time.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    [LoggerMessage(1803, LogLevel.Information, "TLS on the silo and gateway ports and to other silos: certificate {Subject}, valid until {NotAfter}; client certificates {Requirement}; trusted: {Trusted}.")]
    private static partial void TlsOn(ILogger logger, string subject, string notAfter, string requirement, string trusted);

    [LoggerMessage(1804, LogLevel.Warning, "TLS: this silo's certificate {Subject} expires on {NotAfter}, in {Days} days. The silo reads it only at start-up: renew the files {Section} names and restart the silo.")]
    private static partial void ExpiresSoon(ILogger logger, string subject, string notAfter, int days, string section);
}
