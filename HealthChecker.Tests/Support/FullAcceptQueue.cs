using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Tests.Support;

/// <summary>A listener with backlog 0 whose accept queue is filled: Linux drops every further SYN.</summary>
public sealed class FullAcceptQueue : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _fillers = [];

    public FullAcceptQueue()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        for (int i = 0; i < 16; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _fillers.Add(filler);
            var connect = filler.ConnectAsync(EndPoint);
            if (!connect.Wait(TimeSpan.FromMilliseconds(500)))
            {
                // This SYN went unanswered: the queue is full.
                return;
            }
        }
        throw new InvalidOperationException("the accept queue never filled up");
    }

    public IPEndPoint EndPoint { get; }

    public void Dispose()
    {
        _listener.Dispose();
        _fillers.ForEach(f => f.Dispose());
    }
}
