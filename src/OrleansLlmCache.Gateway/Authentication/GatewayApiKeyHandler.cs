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
/// Authenticates the gateway key against the configured key hashes; the tenant comes from the key. The key is read from
/// <c>x-llmcache-api-key</c> when that header is present (then <c>Authorization</c> is the caller's own provider key,
/// which is never checked against gateway keys and reaches only an upstream with <c>PassCallerKey</c>), otherwise from
/// <c>Authorization: Bearer ...</c>. With no keys configured and a server listening on loopback only, callers on the
/// loopback interface are let in as the cache's configured tenant (the development mode) and every other caller is
/// refused. A refusal is a 401 in OpenAI's error shape.
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

    /// <summary>The header that carries the gateway key when <c>Authorization</c> carries the caller's provider key.</summary>
    public const string KeyHeader = "x-llmcache-api-key";

    private const string RefusalItem = "llmcache.gateway.refusal";

    private const string NoKey = "You didn't provide an API key: send it as 'Authorization: Bearer YOUR_KEY', or in 'x-llmcache-api-key: YOUR_KEY' with your provider's key in Authorization.";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var keyHeader = Request.Headers[KeyHeader];
        var keyInHeader = keyHeader.Count > 0;
        if (keys.IsEmpty)
        {
            if (developmentMode.IsOn && IsLoopback(Context.Connection))
            {
                // No key to check; the header still says that Authorization is the caller's own provider key.
                return Task.FromResult(Success(new GatewayCaller(null, [], "development") { KeyInHeader = keyInHeader }));
            }

            return Task.FromResult(Refuse(
                "This gateway has no API keys configured: configure LlmCache:Gateway:ApiKeys (without keys it serves only callers on its own machine, and only while it listens on loopback alone)."));
        }

        if (keyInHeader)
        {
            var presented = keyHeader.ToString().Trim();
            if (presented.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                presented = presented[7..].Trim();
            }

            if (presented.Length == 0)
            {
                return Task.FromResult(Refuse($"The {KeyHeader} header is empty: send your gateway key in it."));
            }

            return Task.FromResult(keys.Find(presented) is { } caller
                ? Success(caller with { KeyInHeader = true })
                : Refuse($"Incorrect API key provided in {KeyHeader}: use a key issued for this gateway (your provider's key goes in Authorization)."));
        }

        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(Refuse(NoKey));
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return Task.FromResult(Refuse("The Authorization header must be 'Bearer YOUR_KEY'."));
        }

        var found = keys.Find(header[7..].Trim());
        return Task.FromResult(found is null
            ? Refuse("Incorrect API key provided: use a key issued for this gateway.")
            : Success(found));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var message = Context.Items[RefusalItem] as string ?? NoKey;
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
        if (caller.KeyInHeader)
        {
            claims.Add(new Claim(GatewayCaller.KeyHeaderClaim, KeyHeader));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    // Both ends on loopback. A proxy on this machine could still forward outside callers, which is why the development
    // mode is on only while the server listens on loopback addresses alone (GatewayDevelopmentMode).
    private static bool IsLoopback(ConnectionInfo connection) =>
        connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
        && (connection.LocalIpAddress is null || IPAddress.IsLoopback(connection.LocalIpAddress));
}
