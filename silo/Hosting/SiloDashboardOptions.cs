namespace OrleansLlmCache.Silo.Hosting;

/// <summary>
/// Who may open the Orleans Dashboard and the cache page (configuration section <c>LlmCache:Dashboard</c>):
/// <code>
/// "LlmCache": { "Dashboard": { "Username": "ops", "Password": "...", "ProfileGrainCallsAlways": true } }
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
