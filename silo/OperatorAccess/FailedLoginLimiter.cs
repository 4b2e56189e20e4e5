using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace OrleansLlmCache.Silo.OperatorAccess;

/// <summary>
/// Counts failed logins per client address in a fixed window (<c>LlmCache:Dashboard:FailedLoginLimit</c> per
/// <c>FailedLoginWindow</c>). Only failures take a permit: an operator whose browser sends the right credentials with
/// every poll is never limited. Once an address has used its failures, every login from it is refused until the window
/// ends, the right one too, or guessing would go on at the rate of the refusals. ASP.NET Core's rate limiting
/// middleware counts every request before the endpoint runs, so it cannot tell a failure from a success; the same
/// limiters are used here, after the check.
/// </summary>
internal sealed class FailedLoginLimiter : IDisposable
{
    private readonly OperatorAccessSettings _settings;
    private readonly PartitionedRateLimiter<string> _limiter;

    public FailedLoginLimiter(OperatorAccessSettings settings)
    {
        _settings = settings;
        var options = new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.Options.FailedLoginLimit,
            Window = settings.Options.FailedLoginWindow,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => options));
    }

    /// <summary>
    /// The client's address: the connection's, or, on a connection from a trusted proxy, the last address in
    /// <c>X-Forwarded-For</c> that is not one of the proxies (behind an ingress every connection comes from the ingress,
    /// and limiting it would lock every operator out at once).
    /// </summary>
    public string ClientAddress(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress is { } address ? OperatorAccessSettings.Normalize(address) : null;
        if (remote is null)
        {
            return "unknown";
        }

        if (_settings.IsTrustedProxy(remote))
        {
            var forwarded = context.Request.Headers["X-Forwarded-For"].ToString()
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (var i = forwarded.Length - 1; i >= 0; i--)
            {
                if (!IPAddress.TryParse(forwarded[i], out var hop))
                {
                    break;
                }

                if (!_settings.IsTrustedProxy(hop))
                {
                    return OperatorAccessSettings.Normalize(hop).ToString();
                }
            }
        }

        return remote.ToString();
    }

    /// <summary>Whether <paramref name="client"/> has used its failures in this window, and when it may try again.</summary>
    public bool IsLockedOut(string client, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(client, 0);
        retryAfter = lease.IsAcquired ? TimeSpan.Zero
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after
            : _settings.Options.FailedLoginWindow;
        return !lease.IsAcquired;
    }

    /// <summary>Counts one failed login of <paramref name="client"/>.</summary>
    public void RecordFailure(string client)
    {
        using var lease = _limiter.AttemptAcquire(client, 1);
    }

    public void Dispose() => _limiter.Dispose();
}
