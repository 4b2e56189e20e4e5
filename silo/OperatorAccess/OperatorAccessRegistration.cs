using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansLlmCache.Silo.OperatorAccess;

/// <summary>
/// Registers the configured scheme and the <c>llmcache-operator</c> policy. Only the operator pages name the policy, and
/// no scheme is made the default: the gateway's API keys and the probes are left as they are.
/// </summary>
internal static class OperatorAccessRegistration
{
    public static IServiceCollection AddOperatorAccess(this IServiceCollection services, OperatorAccessSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<FailedLoginLimiter>();
        var authentication = services.AddAuthentication();
        string? scheme = null;
        switch (settings.Scheme)
        {
            case OperatorAuthentication.Basic:
                scheme = OperatorSchemes.Basic;
                authentication.AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(scheme, null);
                break;
            case OperatorAuthentication.TrustedProxy:
                scheme = OperatorSchemes.TrustedProxy;
                authentication.AddScheme<AuthenticationSchemeOptions, TrustedProxyAuthenticationHandler>(scheme, null);
                break;
        }

        services.AddAuthorization(o => o.AddPolicy(OperatorSchemes.Policy, policy =>
        {
            if (scheme is null)
            {
                // Open by configuration (loopback, or LlmCache:Dashboard:AllowOpen): the policy still exists, so the
                // pages are mapped the same way whatever the scheme.
                policy.RequireAssertion(_ => true);
            }
            else
            {
                policy.AddAuthenticationSchemes(scheme).RequireAuthenticatedUser();
            }
        }));
        return services;
    }

    /// <summary>What the start-up log says about the pages' protection.</summary>
    public static string Describe(OperatorAccessSettings settings) => settings.Scheme switch
    {
        OperatorAuthentication.Basic =>
            $"Basic authentication as user '{settings.Options.Username}' ({(settings.Options.PasswordHash is { Length: > 0 } ? "password hash" : "password")}), at most {settings.Options.FailedLoginLimit} failed logins per client address in {settings.Options.FailedLoginWindow}",
        OperatorAuthentication.TrustedProxy =>
            $"the user named in {settings.Options.TrustedProxy.Header} by a proxy in {string.Join(", ", settings.TrustedProxies)}",
        _ => "no authentication",
    };
}
