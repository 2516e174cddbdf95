using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace HealthChecker.Tests.Web.Support;

/// <summary>
/// A TCP proxy on loopback in front of a PostgreSQL server (its TCP port or its unix socket) that a test can cut, as a
/// network cut between one node and its database: open connections are reset and new ones closed at once, until restored.
/// </summary>
public sealed class DatabaseProxy : IDisposable
{
    private readonly EndPoint _upstream;
    private readonly LoopbackListener _listener;
    private readonly List<Socket> _open = [];
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _cut;

    /// <param name="connectionString">The database the proxy leads to; <see cref="ConnectionString"/> leads to it through the proxy.</param>
    public DatabaseProxy(string connectionString)
    {
        var direct = new NpgsqlConnectionStringBuilder(connectionString);
        _upstream = direct.Host!.StartsWith('/')
            ? new UnixDomainSocketEndPoint(Path.Combine(direct.Host, $".s.PGSQL.{direct.Port}"))
            : new IPEndPoint(IPAddress.Parse(direct.Host), direct.Port);
        _listener = new LoopbackListener(128, Accepted);
        ConnectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Host = "127.0.0.1",
            Port = _listener.Port,
        }.ConnectionString;
    }

    public string ConnectionString { get; }

    /// <summary>Resets every connection through the proxy and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_open)
        {
            foreach (var socket in _open)
            {
                Reset(socket);
            }

            _open.Clear();
        }
    }

    public void Restore() => _cut = false;

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Dispose();
        Cut();
        _stopping.Dispose();
    }

    private void Accepted(Socket client)
    {
        if (_cut)
        {
            Reset(client);
            return;
        }

        _ = PipeAsync(client);
    }

    private async Task PipeAsync(Socket client)
    {
        var server = new Socket(_upstream.AddressFamily, SocketType.Stream, _upstream is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_upstream, _stopping.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            Reset(client);
            server.Dispose();
            return;
        }

        lock (_open)
        {
            if (_cut)
            {
                Reset(client);
                Reset(server);
                return;
            }

            _open.Add(client);
            _open.Add(server);
        }

        await Task.WhenAny(CopyAsync(client, server), CopyAsync(server, client));
        lock (_open)
        {
            _open.Remove(client);
            _open.Remove(server);
        }

        Reset(client);
        Reset(server);
    }

    private async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[16_384];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token);
                if (n == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stopping.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The other side went, or the proxy was cut: the pipe ends.
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            // Linger 0: close sends a reset, as a broken route would surface once the kernel gives up.
            if (socket.ProtocolType == ProtocolType.Tcp)
            {
                socket.LingerState = new LingerOption(true, 0);
            }

            socket.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
