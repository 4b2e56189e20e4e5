using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace OrleansLlmCache.Tests.Security;

/// <summary>
/// An HTTP client of a silo's operator pages that connects from a chosen loopback address (127.0.0.2, 127.0.0.3, ...):
/// Linux routes all of 127.0.0.0/8 to the loopback interface, so one machine can play several clients, a proxy among them.
/// </summary>
internal static class OperatorClient
{
    public static HttpClient From(string localAddress, int httpPort, string? user = null, string? password = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
        if (user is not null)
        {
            http.DefaultRequestHeaders.Authorization = Basic(user, password ?? "");
        }

        return http;
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    /// <summary>The operator pages: the dashboard, the cache page and its API.</summary>
    public static readonly string[] Pages = ["/dashboard/", "/cache/", "/cache/api/stats"];

    /// <summary>What the cluster's own scrapers and the kubelet ask for, without credentials.</summary>
    public static readonly string[] ClusterPaths = ["/alive", "/health", "/metrics"];
}
