using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Tests.Support;

/// <summary>What a loopback peer does with a connection.</summary>
public enum PeerBehaviour
{
    /// <summary>Listens, never accepts.</summary>
    NeverAccept,
    AcceptThenClose,
    /// <summary>Accepts, then closes with SO_LINGER {1,0}: an RST.</summary>
    AcceptThenReset,
    /// <summary>Accepts, sends a banner, then resets.</summary>
    BannerThenReset,
    /// <summary>Accepts, sends a banner, then closes (FIN).</summary>
    BannerThenClose,
}

/// <summary>A real listener on 127.0.0.1 or ::1 whose behaviour a test picks.</summary>
public sealed class LoopbackPeer : IDisposable
{
    public static readonly byte[] Banner = "220 ready\r\n"u8.ToArray();
    private readonly Socket _listener;
    private readonly Thread? _acceptor;
    private volatile bool _stopping;

    public LoopbackPeer(PeerBehaviour behaviour, IPAddress? address = null, int backlog = 4096)
    {
        address ??= IPAddress.Loopback;
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(address, 0));
        _listener.Listen(backlog);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        if (behaviour != PeerBehaviour.NeverAccept)
        {
            _acceptor = new Thread(() => AcceptLoop(behaviour)) { IsBackground = true };
            _acceptor.Start();
        }
    }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    public int Accepted;

    /// <summary>A port that was bound and released: the kernel answers its SYN with RST.</summary>
    public static IPEndPoint ClosedPort(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        using var s = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(address, 0));
        return (IPEndPoint)s.LocalEndPoint!;
    }

    public void Dispose()
    {
        _stopping = true;
        _listener.Dispose();
        _acceptor?.Join(2000);
    }

    private void AcceptLoop(PeerBehaviour behaviour)
    {
        while (!_stopping)
        {
            Socket peer;
            try
            {
                peer = _listener.Accept();
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref Accepted);
            if (behaviour is PeerBehaviour.BannerThenReset or PeerBehaviour.BannerThenClose)
            {
                peer.Send(Banner);
            }
            if (behaviour is PeerBehaviour.AcceptThenReset or PeerBehaviour.BannerThenReset)
            {
                peer.LingerState = new LingerOption(true, 0);
            }
            peer.Dispose();
        }
    }
}
