using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace HealthChecker.Bench.Dashboard;

/// <summary>
/// <c>dashboard-peers</c>: the loopback listeners the dashboard benchmark's targets check, in their own process so
/// their CPU is not the web app's. One port shared by <c>bulk</c> listeners on 127.0.0.2, 127.0.0.3, ... (blocking
/// accept threads, never stopped), and one port per watched target on 127.0.0.1, each stopped on demand: after
/// <c>stop i</c> on stdin the listener is closed (the kernel answers the next SYN with RST) and the process prints
/// <c>stopped i &lt;unix ms&gt;</c>, the moment the peer went down.
/// </summary>
internal static class DashboardPeers
{
    public static int Run(int watched, int bulkAddresses)
    {
        var (bulkPort, bulk) = BindBulk(bulkAddresses);
        foreach (var listener in bulk)
        {
            new Thread(() => AcceptAndClose(listener)) { IsBackground = true }.Start();
        }

        var watchers = Enumerable.Range(0, watched).Select(_ => Listen(IPAddress.Loopback, 0)).ToArray();
        foreach (var listener in watchers)
        {
            _ = AcceptAndCloseAsync(listener);
        }

        Console.WriteLine(JsonSerializer.Serialize(new PeerPorts(
            bulkPort,
            bulk.Select(l => ((IPEndPoint)l.LocalEndPoint!).Address.ToString()).ToArray(),
            watchers.Select(l => ((IPEndPoint)l.LocalEndPoint!).Port).ToArray())));
        Console.Out.Flush();

        // Lives until the parent closes our stdin.
        while (Console.ReadLine() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts is ["stop", var which] && int.TryParse(which, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < watchers.Length)
            {
                watchers[i].Dispose();
                var at = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stopped {i} {at:F3}"));
                Console.Out.Flush();
            }
        }

        return 0;
    }

    /// <summary>One free port bound on every bulk address (retried when another process holds it on one of them).</summary>
    private static (int Port, Socket[] Listeners) BindBulk(int addresses)
    {
        for (var attempt = 0; ; attempt++)
        {
            var first = Listen(IPAddress.Parse("127.0.0.2"), 0);
            var port = ((IPEndPoint)first.LocalEndPoint!).Port;
            var listeners = new List<Socket> { first };
            try
            {
                for (var i = 1; i < addresses; i++)
                {
                    listeners.Add(Listen(IPAddress.Parse($"127.0.0.{2 + i}"), port));
                }

                return (port, [.. listeners]);
            }
            catch (SocketException) when (attempt < 20)
            {
                listeners.ForEach(l => l.Dispose());
            }
        }
    }

    private static Socket Listen(IPAddress address, int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(address, port));
        listener.Listen(4096);
        return listener;
    }

    private static void AcceptAndClose(Socket listener)
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
        }
    }

    private static async Task AcceptAndCloseAsync(Socket listener)
    {
        while (true)
        {
            try
            {
                (await listener.AcceptAsync().ConfigureAwait(false)).Dispose();
            }
            catch (SocketException e) when (e.SocketErrorCode != SocketError.OperationAborted)
            {
                // A client that reset before accept.
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                return; // stopped
            }
        }
    }
}

/// <summary>What <see cref="DashboardPeers"/> listens on.</summary>
internal sealed record PeerPorts(int BulkPort, string[] BulkAddresses, int[] Watched);
