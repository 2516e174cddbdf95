using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Testing;

/// <summary>Ports on 127.0.0.1 for tests and benchmarks.</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// A port that was bound and released: nothing listens on it, so a connect is refused, and a server
    /// started right after may bind it (another process may take it first; callers that bind retry or accept that).
    /// </summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
