using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansLlmCache.Silo.OperatorAccess;

/// <summary>
/// HTTP Basic authentication for the operator pages (scheme <c>Basic</c>): the user name and password compared in
/// constant time, failures counted per client address (<see cref="FailedLoginLimiter"/>) and logged with the user name
/// and address only. A request without credentials is challenged (401 and <c>WWW-Authenticate: Basic</c>, so a browser
/// asks); an address past its failures is answered 429 with <c>Retry-After</c>.
/// </summary>
internal sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    OperatorAccessSettings settings,
    FailedLoginLimiter limiter)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string RetryAfterItem = "llmcache.operator.retry-after";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var client = limiter.ClientAddress(Context);
        if (limiter.IsLockedOut(client, out var retryAfter))
        {
            Context.Items[RetryAfterItem] = retryAfter;
            OperatorLog.LockedOut(Logger, client, settings.Options.FailedLoginLimit, settings.Options.FailedLoginWindow, retryAfter);
            return Task.FromResult(AuthenticateResult.Fail("too many failed logins from this address"));
        }

        if (!TryDecode(header[6..].Trim(), out var user, out var password))
        {
            limiter.RecordFailure(client);
            OperatorLog.FailedLogin(Logger, "", client, "the Authorization header is not Basic base64(user:password)");
            return Task.FromResult(AuthenticateResult.Fail("malformed Basic credentials"));
        }

        if (!settings.Password!.Matches(user, password))
        {
            limiter.RecordFailure(client);
            OperatorLog.FailedLogin(Logger, OperatorLog.Printable(user), client, "wrong user name or password");
            return Task.FromResult(AuthenticateResult.Fail("wrong user name or password"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], OperatorSchemes.Basic);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), OperatorSchemes.Basic)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[RetryAfterItem] is TimeSpan retryAfter)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            await Response.WriteAsync("Too many failed logins from this address: try again later.\n");
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"llmcache operator pages\", charset=\"UTF-8\"";
    }

    private static bool TryDecode(string encoded, out string user, out string password)
    {
        user = password = "";
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return false;
            }

            user = decoded[..colon];
            password = decoded[(colon + 1)..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
