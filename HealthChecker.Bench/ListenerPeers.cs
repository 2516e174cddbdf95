using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;

namespace HealthChecker.Bench;

/// <summary>
/// The peers of the scheduling benchmark, in a process of their own so their CPU is not counted:
/// many listeners on 127.0.1.x, one epoll thread accepting and closing as fast as connections come.
/// Prints one <c>address port</c> line per listener, then <c>ready</c>; answers <c>count</c> on stdin
/// with the connections accepted so far; ends when stdin closes.
/// </summary>
internal static partial class ListenerPeers
{
    private const int Backlog = 4096;
    private static long _accepted;

    public static int Run(int listeners)
    {
        FileLimit.Raise();
        var sockets = new List<Socket>();
        for (int i = 0; i < listeners; i++)
        {
            // Distinct loopback addresses: the checkers' targets differ by address as well as by port.
            var address = new IPAddress([127, 0, 1, (byte)(1 + (i % 250))]);
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            socket.Bind(new IPEndPoint(address, 0));
            socket.Listen(Backlog);
            sockets.Add(socket);
            var bound = (IPEndPoint)socket.LocalEndPoint!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bound.Address} {bound.Port}"));
        }

        using var poller = Poller.Create(PollerKind.Epoll);
        foreach (var socket in sockets)
        {
            poller.Register((int)socket.Handle, FdEvents.In);
        }

        var thread = new Thread(() => AcceptLoop(poller)) { IsBackground = true, Name = "peers" };
        thread.Start();
        Console.WriteLine("ready");
        Console.Out.Flush();

        while (Console.In.ReadLine() is { } line)
        {
            if (line == "count")
            {
                Console.WriteLine(Interlocked.Read(ref _accepted).ToString(CultureInfo.InvariantCulture));
                Console.Out.Flush();
            }
        }

        // The sockets own the listening fds: collected, they would close them under the accept loop.
        GC.KeepAlive(sockets);
        return 0;
    }

    private static void AcceptLoop(IPoller poller)
    {
        var ready = new PolledEvent[256];
        while (true)
        {
            int n = poller.Wait(ready, -1);
            for (int i = 0; i < n; i++)
            {
                AcceptAll(ready[i].Fd);
            }
        }
    }

    private static void AcceptAll(int listener)
    {
        while (true)
        {
            int fd = Native.accept4(listener, 0, 0, LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC);
            if (fd >= 0)
            {
                LibC.close(fd);
                Interlocked.Increment(ref _accepted);
                continue;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EINTR || errno == Native.ECONNABORTED)
            {
                continue;
            }

            // EAGAIN: the queue is empty; anything else (EMFILE) is retried on the next readiness.
            return;
        }
    }

    private static partial class Native
    {
        public const int ECONNABORTED = 103;

        [LibraryImport("libc.so.6", SetLastError = true)]
        public static partial int accept4(int fd, nint address, nint addressLength, int flags);
    }
}
