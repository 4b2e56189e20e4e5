using System.Net;
using System.Net.Sockets;

namespace OrleansLlmCache.Testing;

/// <summary>Ports on 127.0.0.1 that were free a moment ago, for servers the tests start.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port the system reports free and that this process has not handed out before: the system may offer a port
    /// again as soon as its probe listener closes, and a silo given the same port for two endpoints refuses to start
    /// (seen once: silo and HTTP port both 40625).
    /// </summary>
    public static int Next()
    {
        lock (HandedOut)
        {
            // Probes that found a port handed out before stay open until a new one is found, so that the system does not
            // offer that port again at once.
            var rejected = new List<TcpListener>();
            try
            {
                while (true)
                {
                    var listener = new TcpListener(IPAddress.Loopback, 0);
                    listener.Start();
                    rejected.Add(listener);
                    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                    if (HandedOut.Add(port))
                    {
                        return port;
                    }
                }
            }
            finally
            {
                rejected.ForEach(listener => listener.Stop());
            }
        }
    }
}
