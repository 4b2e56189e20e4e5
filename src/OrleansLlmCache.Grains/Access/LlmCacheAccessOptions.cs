namespace OrleansLlmCache.Grains.Access;

/// <summary>
/// Who may reach which tenant's entries (configuration section <c>LlmCache:Access</c>). With no key configured,
/// tenant access is not enforced: any client that reaches the gateway port reaches every tenant, which a silo allows
/// only while it listens on loopback (or with <see cref="AllowOpen"/>). With at least one key, every call from a client
/// must carry a key (<c>LlmCache:Cluster:AccessKey</c> on the client) whose tenants include the tenant the call is for.
/// <code>
/// "LlmCache": { "Access": { "Keys": [
///   { "Name": "acme-app", "Sha256": "64 hex digits", "Tenants": [ "acme" ] },
///   { "Name": "operators", "Sha256": "64 hex digits", "Operator": true } ] } }
/// </code>
/// </summary>
public sealed class LlmCacheAccessOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "LlmCache:Access";

    /// <summary>The access keys (only their SHA-256). Empty (the default): tenant access is not enforced.</summary>
    public List<AccessKeyOptions> Keys { get; set; } = [];

    /// <summary>
    /// Lets a silo that listens beyond loopback start without keys, open to every client that reaches its gateway port
    /// (for a network that admits only trusted app servers, or a throw-away cluster). Default: false, and such a silo
    /// refuses to start, naming <c>LlmCache:Access:Keys</c>.
    /// </summary>
    public bool AllowOpen { get; set; }

    /// <summary>Whether any key is configured, which turns enforcement on.</summary>
    public bool IsEnforced => Keys.Count > 0;
}
