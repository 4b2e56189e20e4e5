using System.Net;

namespace OrleansLlmCache.Hosting.Startup;

/// <summary>
/// A port the silo process will listen on, checked free before the silo joins its cluster. The silo registers its
/// silo and gateway ports; a host that adds a web server registers its HTTP port the same way.
/// </summary>
/// <param name="Setting">The setting that chose the port, named in the error (<c>LlmCache:Silo:HttpPort</c>).</param>
/// <param name="Address">The address the listener will bind to.</param>
/// <param name="Port">The port.</param>
public sealed record SiloListenPort(string Setting, IPAddress Address, int Port);
