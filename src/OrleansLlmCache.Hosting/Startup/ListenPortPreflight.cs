using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using OrleansLlmCache.Hosting.Options;

namespace OrleansLlmCache.Hosting.Startup;

/// <summary>
/// Starts before anything else of the silo and refuses to go on when one of its ports is taken or its address is not
/// one of this machine's, in one sentence naming the setting.
/// </summary>
/// <remarks>
/// Orleans binds its silo and gateway listeners with <c>SO_REUSEADDR</c>, which .NET on Linux turns into
/// <c>SO_REUSEPORT</c> as well: a second silo on a taken gateway port starts and listens beside the first, and the
/// kernel hands clients to either process at random. A taken HTTP port only fails once the silo has joined the cluster,
/// leaving a dead row in membership. The probe binds each port without those options, which fails on any listener
/// (and not on connections left in TIME_WAIT by a silo that just stopped).
/// </remarks>
internal sealed class ListenPortPreflight(IEnumerable<SiloListenPort> ports) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var port in ports)
        {
            Probe(port);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void Probe(SiloListenPort port)
    {
        using var socket = new Socket(port.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(port.Address, port.Port));
            socket.Listen();
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new LlmCacheStartupException(
                $"{port.Setting} {port.Port} is already in use on {port.Address} (another silo or program listens there): stop that process or choose another port.",
                ex);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            throw new LlmCacheStartupException(
                $"{LlmCacheSiloOptions.SectionName}:{nameof(LlmCacheSiloOptions.AdvertisedIPAddress)} {port.Address} is not an address of this machine: set it to one of this machine's addresses, or set {nameof(LlmCacheSiloOptions.ListenOnAnyHostAddress)} to true behind a NAT or in a container.",
                ex);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied)
        {
            throw new LlmCacheStartupException(
                $"{port.Setting} {port.Port} needs privileges this process does not have (ports below 1024): choose a port above 1023.",
                ex);
        }
    }
}
