using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansLlmCache.Silo.OperatorAccess;

/// <summary>
/// The operator is whoever the proxy in front (oauth2-proxy, which signs people in with OpenID Connect) names in
/// <c>LlmCache:Dashboard:TrustedProxy:Header</c>, believed only on a connection from
/// <c>LlmCache:Dashboard:TrustedProxy:Networks</c>: anyone else could send the header too. The proxy must drop the
/// header from the requests it forwards, which oauth2-proxy does for the headers it sets.
/// </summary>
internal sealed class TrustedProxyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    OperatorAccessSettings settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = settings.Options.TrustedProxy.Header!;
        var user = Request.Headers[header].ToString().Trim();
        if (user.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var remote = Context.Connection.RemoteIpAddress;
        if (!settings.IsTrustedProxy(remote))
        {
            OperatorLog.UntrustedProxy(Logger, header, remote);
            return Task.FromResult(AuthenticateResult.Fail($"{header} from an address that is not a trusted proxy"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], OperatorSchemes.TrustedProxy);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), OperatorSchemes.TrustedProxy)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Response.WriteAsync("Sign in through the operator pages' proxy.\n");
    }
}
