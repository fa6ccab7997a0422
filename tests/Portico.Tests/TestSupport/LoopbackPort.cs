using System.Net;
using System.Net.Sockets;

namespace Portico.Tests.TestSupport;

/// <summary>Ports on 127.0.0.1 for servers a test starts on a port it must know before they run (OS processes, restarts).</summary>
internal static class LoopbackPort
{
    /// <summary>A port free right now (the OS chose it for a listener that is closed again).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
