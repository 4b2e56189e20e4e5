namespace OrleansLlmCache.Silo.OperatorAccess;

/// <summary>
/// The proxy in front of the operator pages (<c>LlmCache:Dashboard:TrustedProxy</c>): oauth2-proxy, or the ingress
/// controller that forwards to it.
/// </summary>
public sealed class TrustedProxyOptions
{
    /// <summary>
    /// The request header that carries the signed-in user's name, with <c>Authentication=TrustedProxy</c>; for example
    /// <c>X-Auth-Request-User</c> or <c>X-Forwarded-User</c> (oauth2-proxy). Default: none.
    /// </summary>
    public string? Header { get; set; }

    /// <summary>
    /// The addresses or networks (CIDR, such as <c>10.0.0.0/8</c> or <c>10.1.2.3/32</c>) the proxy connects from. Only
    /// connections from them may name a user in <see cref="Header"/>, and from them only the last address of
    /// <c>X-Forwarded-For</c> counts as the client's for the failed-login limit. Default: none.
    /// </summary>
    public IList<string> Networks { get; set; } = [];
}
