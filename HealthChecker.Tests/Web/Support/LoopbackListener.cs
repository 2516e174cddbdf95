using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Tests.Web.Support;

/// <summary>A listener on a free loopback port that hands every connection it accepts to its owner, until disposed.</summary>
public sealed class LoopbackListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    /// <param name="accepted">Called on the accept loop with each new connection; it must not block.</param>
    public LoopbackListener(int backlog, Action<Socket> accepted)
    {
        _listener.Start(backlog);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(accepted);
    }

    public int Port { get; }

    /// <summary>Stops accepting; the connections already handed over are their owner's to close.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Stop();
        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopping: the accept loop ends with the listener.
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync(Action<Socket> accepted)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            accepted(socket);
        }
    }
}
