using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Tests.Support;

/// <summary>A loopback listener that runs a script on each accepted connection, one thread a connection.</summary>
public sealed class ScriptedPeer : IDisposable
{
    private readonly Socket _listener;
    private readonly Thread _acceptor;
    private readonly Action<Socket> _script;
    private readonly List<Socket> _accepted = [];
    private volatile bool _stopping;

    public ScriptedPeer(Action<Socket> script)
    {
        _script = script;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptor = new Thread(AcceptLoop) { IsBackground = true };
        _acceptor.Start();
    }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    /// <summary>Sends <paramref name="bytes"/> and leaves the connection open until the peer goes.</summary>
    public static Action<Socket> Says(byte[] bytes) => s =>
    {
        s.Send(bytes);
        DrainUntilClosed(s);
    };

    /// <summary>Answers each request read with <paramref name="answer"/>, keeping the connection open.</summary>
    public static Action<Socket> Answers(byte[] answer) => s =>
    {
        var buffer = new byte[4096];
        while (s.Receive(buffer) > 0)
        {
            s.Send(answer);
        }
    };

    /// <summary>Reads one request (up to its blank line), then runs <paramref name="then"/>.</summary>
    public static Action<Socket> AfterRequest(Action<Socket> then) => s =>
    {
        var seen = new List<byte>();
        var buffer = new byte[4096];
        while (!EndsWithBlankLine(seen))
        {
            int n = s.Receive(buffer);
            if (n == 0)
            {
                return;
            }
            seen.AddRange(buffer.AsSpan(0, n));
        }
        then(s);
    };

    public static readonly Action<Socket> Silent = DrainUntilClosed;

    public static readonly Action<Socket> ClosesAtOnce = _ => { };

    public static readonly Action<Socket> ResetsAtOnce = s => s.LingerState = new LingerOption(true, 0);

    public static void DrainUntilClosed(Socket s)
    {
        var buffer = new byte[4096];
        try
        {
            while (s.Receive(buffer) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // The checker closes with an RST: that is the normal end here.
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _listener.Dispose();
        lock (_accepted)
        {
            foreach (var s in _accepted)
            {
                s.Dispose();
            }
        }
        _acceptor.Join(2000);
    }

    private static bool EndsWithBlankLine(List<byte> seen) =>
        seen.Count >= 4 && seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n';

    private void AcceptLoop()
    {
        while (!_stopping)
        {
            Socket peer;
            try
            {
                peer = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_accepted)
            {
                _accepted.Add(peer);
            }
            new Thread(() => Serve(peer)) { IsBackground = true }.Start();
        }
    }

    private void Serve(Socket peer)
    {
        try
        {
            _script(peer);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or System.Security.Authentication.AuthenticationException)
        {
            // The checker hung up first or refused our certificate; nothing to do.
        }
        finally
        {
            peer.Dispose();
        }
    }
}
