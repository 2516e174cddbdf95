using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Tests.Support;

/// <summary>A loopback port a test opens (the kernel completes handshakes) and closes (the kernel refuses).</summary>
internal sealed class SwitchablePeer : IDisposable
{
    private readonly int _backlog;
    private Socket? _listener;

    /// <param name="backlog">Connections the kernel completes and holds unaccepted; beyond it, handshakes stall.</param>
    public SwitchablePeer(int backlog = 64)
    {
        _backlog = backlog;
        EndPoint = LoopbackPeer.ClosedPort();
    }

    public IPEndPoint EndPoint { get; }

    public void Open()
    {
        if (_listener is not null)
        {
            return;
        }
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        s.Bind(EndPoint);
        s.Listen(_backlog);
        _listener = s;
    }

    public void Close()
    {
        _listener?.Dispose();
        _listener = null;
    }

    public void Dispose() => Close();
}
