using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Testing;

/// <summary>Ports on 127.0.0.1 for tests and benchmarks.</summary>
public static class LoopbackPorts
{
    // Ports handed out lately: the kernel gives a port just released to the next bind to port 0 again, so an app given its
    // HTTP, silo and gateway ports one after the other could be told the same port twice.
    private const int Remembered = 4096;
    private static readonly Queue<int> Recent = new();
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A port that was bound and released, and not handed out lately by this process: nothing listens on it, so a connect is
    /// refused, and a server started right after may bind it (another process may take it first; callers that bind retry or accept that).
    /// </summary>
    public static int Free()
    {
        lock (Recent)
        {
            while (true)
            {
                var port = Probe();
                if (!Given.Add(port))
                {
                    continue;
                }

                Recent.Enqueue(port);
                if (Recent.Count > Remembered)
                {
                    Given.Remove(Recent.Dequeue());
                }

                return port;
            }
        }
    }

    private static int Probe()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
