using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Bench.Admin;

/// <summary>
/// A port on 127.0.0.1 that accepts and closes at once, on two blocking accept threads in the benchmark's own process
/// (the admin benchmark measures the app, not this peer): the targets' checks succeed and cost the app one connect each.
/// </summary>
internal sealed class AcceptingPeer : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public AcceptingPeer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(4096);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        for (var i = 0; i < 2; i++)
        {
            new Thread(() => AcceptAndClose(_listener)) { IsBackground = true, Name = "accepting peer" }.Start();
        }
    }

    public int Port { get; }

    public void Dispose() => _listener.Dispose();

    /// <summary>Accepts and closes connections on <paramref name="listener"/> until it is closed.</summary>
    public static void AcceptAndClose(Socket listener)
    {
        while (true)
        {
            try
            {
                listener.Accept().Dispose();
            }
            catch (SocketException)
            {
                // A client that reset before accept: nothing to do.
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }
}
