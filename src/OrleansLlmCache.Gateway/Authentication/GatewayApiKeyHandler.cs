using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Gateway.Http;

namespace OrleansLlmCache.Gateway.Authentication;

/// <summary>
/// Authenticates <c>Authorization: Bearer ...</c> against the configured key hashes; the tenant comes from the key. With
/// no keys configured and a server listening on loopback only, callers on the loopback interface are let in as the
/// cache's configured tenant (the development mode) and every other caller is refused. A refusal is a 401 in OpenAI's error shape.
/// </summary>
internal sealed class GatewayApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    GatewayApiKeys keys,
    GatewayDevelopmentMode developmentMode)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LlmCacheGatewayApiKey";

    private const string RefusalItem = "llmcache.gateway.refusal";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (keys.IsEmpty)
        {
            if (developmentMode.IsOn && IsLoopback(Context.Connection))
            {
                return Task.FromResult(Success(new GatewayCaller(null, [], "development")));
            }

            return Task.FromResult(Refuse(
                "This gateway has no API keys configured: configure LlmCache:Gateway:ApiKeys (without keys it serves only callers on its own machine, and only while it listens on loopback alone)."));
        }

        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(Refuse("You didn't provide an API key: send it as 'Authorization: Bearer YOUR_KEY'."));
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return Task.FromResult(Refuse("The Authorization header must be 'Bearer YOUR_KEY'."));
        }

        var caller = keys.Find(header[7..].Trim());
        return Task.FromResult(caller is null
            ? Refuse("Incorrect API key provided: use a key issued for this gateway.")
            : Success(caller));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var message = Context.Items[RefusalItem] as string ?? "You didn't provide an API key: send it as 'Authorization: Bearer YOUR_KEY'.";
        await OpenAiErrors.WriteAsync(Context, StatusCodes.Status401Unauthorized, message, OpenAiErrors.InvalidRequest, "invalid_api_key");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await OpenAiErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, "This API key may not use this endpoint.", OpenAiErrors.Permission, "forbidden");

    private AuthenticateResult Refuse(string message)
    {
        Context.Items[RefusalItem] = message;
        return AuthenticateResult.Fail(message);
    }

    private AuthenticateResult Success(GatewayCaller caller)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, caller.KeyName) };
        if (caller.Tenant is not null)
        {
            claims.Add(new Claim(GatewayCaller.TenantClaim, caller.Tenant));
        }

        claims.AddRange(caller.Namespaces.Select(n => new Claim(GatewayCaller.NamespaceClaim, n)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    // Both ends on loopback. A proxy on this machine could still forward outside callers, which is why the development
    // mode is on only while the server listens on loopback addresses alone (GatewayDevelopmentMode).
    private static bool IsLoopback(ConnectionInfo connection) =>
        connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
        && (connection.LocalIpAddress is null || IPAddress.IsLoopback(connection.LocalIpAddress));
}
