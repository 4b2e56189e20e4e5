namespace OrleansLlmCache.Silo.OperatorAccess;

/// <summary>How operators authenticate to the operator pages (<c>LlmCache:Dashboard:Authentication</c>).</summary>
public enum OperatorAuthentication
{
    /// <summary>HTTP Basic with <c>LlmCache:Dashboard:Username</c> and its password (or password hash), behind TLS at the ingress.</summary>
    Basic,

    /// <summary>
    /// A proxy that signs operators in (oauth2-proxy with OpenID Connect, for example) and names the user in a header;
    /// the header is believed only on connections from <c>LlmCache:Dashboard:TrustedProxy:Networks</c>.
    /// </summary>
    TrustedProxy,

    /// <summary>No authentication: only on loopback, or with <c>LlmCache:Dashboard:AllowOpen</c> set.</summary>
    None,
}
