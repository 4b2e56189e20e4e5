using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Gateway.Diagnostics;

namespace OrleansLlmCache.Gateway.Authentication;

/// <summary>
/// Decides, once the server listens, whether the keyless development mode may be on: only when no key is configured and
/// every address the server listens on is a loopback one. Says which way it went in the log.
/// </summary>
internal sealed class GatewayDevelopmentMode(GatewayApiKeys keys, IServer server, ILogger<GatewayDevelopmentMode> logger)
{
    private volatile bool _isOn;

    /// <summary>True once the server listens on loopback alone and no key is configured.</summary>
    public bool IsOn => _isOn;

    /// <summary>Called when the application has started (the server's addresses are known then).</summary>
    public void OnStarted()
    {
        if (!keys.IsEmpty)
        {
            return;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        if (addresses.Count > 0 && addresses.All(IsLoopback))
        {
            _isOn = true;
            Log.DevelopmentMode(logger, string.Join(", ", addresses));
        }
        else
        {
            Log.NoKeysNotLoopback(logger, string.Join(", ", addresses));
        }
    }

    internal static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
