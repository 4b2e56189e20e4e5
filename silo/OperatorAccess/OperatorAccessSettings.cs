using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using OrleansLlmCache.Core.Validation;
using OrleansLlmCache.Hosting.Options;
using OrleansLlmCache.Hosting.Startup;
using OrleansLlmCache.Silo.Hosting;

namespace OrleansLlmCache.Silo.OperatorAccess;

/// <summary>
/// <c>LlmCache:Dashboard</c> read and checked before anything starts: the scheme that guards the operator pages, its
/// credentials or trusted proxies, and the failed-login limit. A silo in production (in a Kubernetes pod, or with its
/// HTTP port beyond loopback) with no scheme refuses to start unless <c>LlmCache:Dashboard:AllowOpen</c> is true.
/// </summary>
internal sealed class OperatorAccessSettings
{
    private const string Section = SiloDashboardOptions.SectionName;

    private OperatorAccessSettings(SiloDashboardOptions options, OperatorAuthentication scheme, OperatorPassword? password, IReadOnlyList<IPNetwork> proxies)
    {
        Options = options;
        Scheme = scheme;
        Password = password;
        TrustedProxies = proxies;
    }

    public SiloDashboardOptions Options { get; }

    public OperatorAuthentication Scheme { get; }

    /// <summary>The Basic credentials; <see langword="null"/> unless <see cref="Scheme"/> is Basic.</summary>
    public OperatorPassword? Password { get; }

    public IReadOnlyList<IPNetwork> TrustedProxies { get; }

    /// <summary>Reads and checks the section; throws <see cref="LlmCacheStartupException"/> naming every wrong setting.</summary>
    public static OperatorAccessSettings Read(IConfiguration configuration, LlmCacheSiloOptions silo)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(silo);
        var section = configuration.GetSection(Section);
        var requested = section[nameof(SiloDashboardOptions.Authentication)];
        if (requested is not null && requested.Trim().Replace(" ", "", StringComparison.Ordinal) is var name
            && (name.Equals("OpenIdConnect", StringComparison.OrdinalIgnoreCase) || name.Equals("Oidc", StringComparison.OrdinalIgnoreCase)))
        {
            throw new LlmCacheStartupException(
                $"{Section}:Authentication={requested} is not offered by the silo: put oauth2-proxy (which signs operators in with OpenID Connect) in front of the operator pages and set {Section}:Authentication=TrustedProxy with {Section}:TrustedProxy:Header and :Networks (docs/deploy.md, \"Operator pages\").");
        }

        var invalid = StrictConfigurationBinding.FindInvalidValues(section, typeof(SiloDashboardOptions));
        if (invalid.Count > 0)
        {
            throw new LlmCacheStartupException("The dashboard settings are not valid: " + string.Join(" ", invalid));
        }

        var options = new SiloDashboardOptions();
        try
        {
            section.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            // A misspelt setting (Pasword) must not leave the pages guarded by nothing: the binder names the key.
            throw new LlmCacheStartupException($"The dashboard settings are not valid: {Section} has a setting the silo does not know ({ex.Message.Split('\n')[0]}).", ex);
        }

        var checks = new SettingChecks(Section);
        var hasPassword = !string.IsNullOrEmpty(options.Password);
        var hasHash = !string.IsNullOrWhiteSpace(options.PasswordHash);
        var scheme = options.Authentication ?? (hasPassword || hasHash ? OperatorAuthentication.Basic : OperatorAuthentication.None);

        OperatorPassword? password = null;
        if (scheme == OperatorAuthentication.Basic)
        {
            checks.NotEmpty(options.Username, nameof(options.Username))
                .That(!options.Username.Contains(':', StringComparison.Ordinal), nameof(options.Username), "must not contain ':', which Basic authentication uses to separate the user name from the password.")
                .That(hasPassword || hasHash, nameof(options.PasswordHash), $"(or {Section}:Password) is required with Authentication=Basic; make one as docs/deploy.md shows.")
                .That(!(hasPassword && hasHash), nameof(options.Password), $"and {Section}:PasswordHash are both set; keep one (the hash, so the Secret does not hold the password).");
            if (hasHash && !hasPassword)
            {
                password = OperatorPassword.FromHash(options.Username, options.PasswordHash!, out var error);
                if (error is not null)
                {
                    checks.Fail(nameof(options.PasswordHash), error + ".");
                }
            }
            else if (hasPassword)
            {
                password = OperatorPassword.FromPassword(options.Username, options.Password!);
            }
        }
        else
        {
            checks.That(!hasPassword && !hasHash, hasHash ? nameof(options.PasswordHash) : nameof(options.Password), $"is used only with Authentication=Basic, and Authentication is {scheme}: remove it or set {Section}:Authentication=Basic.");
        }

        var proxies = new List<IPNetwork>();
        for (var i = 0; i < options.TrustedProxy.Networks.Count; i++)
        {
            var value = options.TrustedProxy.Networks[i]?.Trim() ?? "";
            if (TryParseNetwork(value, out var network))
            {
                proxies.Add(network);
            }
            else
            {
                checks.Fail(string.Create(CultureInfo.InvariantCulture, $"TrustedProxy:Networks:{i}"), $"is '{value}', which is not an address or a network such as 10.0.0.0/8.");
            }
        }

        if (scheme == OperatorAuthentication.TrustedProxy)
        {
            checks.NotEmpty(options.TrustedProxy.Header, "TrustedProxy:Header", "name the header your proxy sets to the signed-in user, such as X-Auth-Request-User")
                .That(options.TrustedProxy.Networks.Count > 0, "TrustedProxy:Networks", "must name the proxy's addresses or networks (such as 10.0.0.0/8): the header is believed only from them.");
        }

        checks.AtLeast(options.FailedLoginLimit, 1, nameof(options.FailedLoginLimit))
            .Positive(options.FailedLoginWindow, nameof(options.FailedLoginWindow));
        if (checks.Result.Failed)
        {
            throw new LlmCacheStartupException("The dashboard settings are not valid: " + string.Join(" ", checks.Result.Failures));
        }

        if (scheme == OperatorAuthentication.None && !options.AllowOpen && ProductionReason(configuration, silo) is { } why)
        {
            throw new LlmCacheStartupException(
                $"The operator pages (/dashboard, /cache and /cache/api) have no authentication while the silo {why}: anyone who reaches HTTP port {silo.HttpPort} would see them. " +
                $"Configure {Section}:PasswordHash (or {Section}:Password) for Basic authentication, or {Section}:Authentication=TrustedProxy with :TrustedProxy:Header and :TrustedProxy:Networks, " +
                $"or set {Section}:AllowOpen to true where only operators reach that port.");
        }

        return new OperatorAccessSettings(options, scheme, password, proxies);
    }

    /// <summary>Whether a connection from <paramref name="address"/> comes from a configured proxy.</summary>
    public bool IsTrustedProxy(IPAddress? address) =>
        address is not null && TrustedProxies.Any(n => n.Contains(Normalize(address)));

    /// <summary>IPv4 clients of a dual-stack listener arrive as IPv4-mapped IPv6 addresses (::ffff:10.1.2.3).</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    // Production as the other start-up checks see it: in a pod (the Deployment's downward API), or reachable beyond
    // this machine.
    private static string? ProductionReason(IConfiguration configuration, LlmCacheSiloOptions silo) =>
        !string.IsNullOrWhiteSpace(configuration[PodEnvironment.PodIp]) || !string.IsNullOrWhiteSpace(configuration[PodEnvironment.PodName])
            ? $"runs in Kubernetes ({PodEnvironment.PodIp} or {PodEnvironment.PodName} is set)"
            : silo.ListenOnAnyHostAddress ? "listens on every interface"
            : !IPAddress.IsLoopback(IPAddress.Parse(silo.AdvertisedIPAddress)) ? $"listens on {silo.AdvertisedIPAddress}"
            : null;

    private static bool TryParseNetwork(string value, out IPNetwork network)
    {
        if (IPNetwork.TryParse(value, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(value, out var address))
        {
            address = Normalize(address);
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }
}
