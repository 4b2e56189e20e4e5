using OrleansLlmCache.Silo.OperatorAccess;

namespace OrleansLlmCache.Silo.Hosting;

/// <summary>
/// Who may open the operator pages, the Orleans Dashboard (<c>/dashboard</c>), the cache page (<c>/cache</c>) and its
/// API (<c>/cache/api/*</c>), configuration section <c>LlmCache:Dashboard</c>:
/// <code>
/// "LlmCache": { "Dashboard": { "Username": "ops", "PasswordHash": "PBKDF2-SHA256:600000:...:...", "ProfileGrainCallsAlways": true } }
/// </code>
/// A silo in production (in a Kubernetes pod, or with its HTTP port beyond loopback) refuses to start with open
/// operator pages unless <see cref="AllowOpen"/> says so. Probes (<c>/alive</c>, <c>/health</c>) and
/// <c>/metrics</c> never ask for credentials: the NetworkPolicy decides who reaches the port.
/// </summary>
public sealed class SiloDashboardOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Dashboard";

    /// <summary>
    /// How operators authenticate. Default: <see cref="OperatorAuthentication.Basic"/> when <see cref="Password"/> or
    /// <see cref="PasswordHash"/> is set, otherwise <see cref="OperatorAuthentication.None"/> (which a production silo
    /// refuses unless <see cref="AllowOpen"/> is true).
    /// </summary>
    public OperatorAuthentication? Authentication { get; set; }

    /// <summary>The user name for Basic authentication. Default: <c>admin</c>.</summary>
    public string Username { get; set; } = "admin";

    /// <summary>
    /// The password for Basic authentication, in clear. Prefer <see cref="PasswordHash"/>, so that the Secret holding
    /// the setting does not hold the password itself.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>
    /// The password's PBKDF2 hash, <c>PBKDF2-SHA256:iterations:salt:hash</c> with salt and hash in base64 (docs/deploy.md
    /// shows how to make one). Use this or <see cref="Password"/>, not both.
    /// </summary>
    public string? PasswordHash { get; set; }

    /// <summary>
    /// Lets a production silo serve the operator pages without authentication: only for a network where nobody but
    /// operators reaches the HTTP port. Default: <see langword="false"/>.
    /// </summary>
    public bool AllowOpen { get; set; }

    /// <summary>The proxy in front of the operator pages: who it is, and the header that names the signed-in user.</summary>
    public TrustedProxyOptions TrustedProxy { get; set; } = new();

    /// <summary>
    /// How many failed logins a client address may make per <see cref="FailedLoginWindow"/>; past it every login from
    /// that address, right or wrong, is answered 429 with Retry-After until the window ends. Default: 5.
    /// </summary>
    public int FailedLoginLimit { get; set; } = 5;

    /// <summary>The window <see cref="FailedLoginLimit"/> counts in. Default: 5 minutes.</summary>
    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Count grain calls per grain type and method for the dashboard all the time. Default: <see langword="true"/>.
    /// </summary>
    /// <remarks>
    /// The dashboard's profiler (an incoming grain call filter) counts calls only from the first dashboard query until a
    /// minute after the last one (<c>GrainProfilerOptions.TraceAlways = false</c> upstream): traffic served while nobody
    /// had the dashboard open showed 0 calls next to live activations. Counting costs a stopwatch and a dictionary update
    /// per call; set <see langword="false"/> to go back to counting only while someone watches.
    /// </remarks>
    public bool ProfileGrainCallsAlways { get; set; } = true;
}
