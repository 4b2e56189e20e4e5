namespace OrleansLlmCache.Grains.Access;

/// <summary>
/// One access key (an element of <c>LlmCache:Access:Keys</c>). Only the key's SHA-256 is configured:
/// <c>printf %s "$KEY" | sha256sum</c>. Two keys may name the same tenants, which is how a key is rotated.
/// </summary>
public sealed class AccessKeyOptions
{
    /// <summary>A name for logs and refusals (never the key itself). Default: its position, <c>Keys:N</c>.</summary>
    public string? Name { get; set; }

    /// <summary>The SHA-256 of the key's UTF-8 bytes, 64 hex digits. Required.</summary>
    public string? Sha256 { get; set; }

    /// <summary>The tenants the key reaches. Required unless <see cref="Operator"/> is set.</summary>
    public List<string> Tenants { get; set; } = [];

    /// <summary>
    /// The key reaches every tenant, and the statistics and warming candidates of all of them: for the <c>llmcache</c>
    /// CLI, a gateway that serves every tenant, and warming. Default: false. Not together with <see cref="Tenants"/>.
    /// </summary>
    public bool Operator { get; set; }
}
