namespace OrleansLlmCache.Silo.Hosting;

/// <summary>
/// Who may open the Orleans Dashboard and the cache page (configuration section <c>LlmCache:Dashboard</c>):
/// <code>
/// "LlmCache": { "Dashboard": { "Username": "ops", "Password": "..." } }
/// </code>
/// When a password is set, both pages require HTTP Basic authentication with it (behind TLS at the ingress). Without
/// one they are open, which is why the Kubernetes NetworkPolicy lets only the ingress controller reach the port.
/// </summary>
public sealed class SiloDashboardOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Dashboard";

    /// <summary>The user name. Default: <c>admin</c>.</summary>
    public string Username { get; set; } = "admin";

    /// <summary>The password; when empty, no authentication is asked for.</summary>
    public string? Password { get; set; }
}
