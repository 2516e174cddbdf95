using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Bench;

/// <summary>The peers every implementation is measured against, on 127.0.0.1.</summary>
internal static class Peers
{
    /// <summary>
    /// Accepts and closes at once, on blocking accept threads: a peer this simple is never the
    /// bottleneck the checkers are compared on. Runs in its own process so its CPU is not counted.
    /// </summary>
    public static int RunAcceptAndClose(int port, int threads)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(4096);
        Console.WriteLine(((IPEndPoint)listener.LocalEndPoint!).Port);
        Console.Out.Flush();

        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() => Admin.AcceptingPeer.AcceptAndClose(listener)) { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());

        // Lives until the parent closes our stdin.
        Console.In.ReadToEnd();
        return 0;
    }
}
