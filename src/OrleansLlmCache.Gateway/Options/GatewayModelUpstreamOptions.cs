namespace OrleansLlmCache.Gateway.Options;

/// <summary>
/// One entry of <c>LlmCache:Gateway:Upstreams</c>: an upstream for the models its <see cref="Models"/> patterns name. A
/// request goes to the first entry with a pattern that matches its <c>model</c>, else to <c>LlmCache:Gateway:Upstream</c>.
/// </summary>
public sealed class GatewayModelUpstreamOptions : GatewayUpstreamOptions
{
    /// <summary>
    /// The models this upstream answers: exact names (<c>llama3.1</c>) or prefixes ending in <c>*</c> (<c>claude-*</c>),
    /// compared case-sensitively, as providers name their models. Required: an entry without models would never be used.
    /// </summary>
    public List<string> Models { get; set; } = [];
}
