using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Bench.Alerts;

/// <summary>
/// In-process loopback listeners that accept and close, each of which can be closed (its targets' connects are then
/// refused at once) and opened again on the same address and port.
/// </summary>
internal sealed class StormListeners : IDisposable
{
    private const int Backlog = 4096;
    private readonly Socket?[] _sockets;

    public StormListeners(int count)
    {
        _sockets = new Socket?[count];
        EndPoints = new IPEndPoint[count];
        for (int i = 0; i < count; i++)
        {
            // Distinct loopback addresses, as in the scheduling benchmark's peers.
            EndPoints[i] = new IPEndPoint(new IPAddress([127, 0, 2, (byte)(1 + (i % 250))]), 0);
            Open(i);
        }
    }

    public IPEndPoint[] EndPoints { get; }

    public void Open(int index)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        // The port is bound again after a close, while connections it accepted may still be in TIME_WAIT.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(EndPoints[index]);
        socket.Listen(Backlog);
        EndPoints[index] = (IPEndPoint)socket.LocalEndPoint!;
        _sockets[index] = socket;
        _ = AcceptAndCloseAsync(socket);
    }

    public void Close(int index)
    {
        _sockets[index]?.Dispose();
        _sockets[index] = null;
    }

    public void Dispose()
    {
        for (int i = 0; i < _sockets.Length; i++)
        {
            Close(i);
        }
    }

    private static async Task AcceptAndCloseAsync(Socket listener)
    {
        try
        {
            while (true)
            {
                using var accepted = await listener.AcceptAsync().ConfigureAwait(false);
                accepted.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed.
        }
    }
}
