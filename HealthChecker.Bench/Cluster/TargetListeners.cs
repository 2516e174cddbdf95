using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;

namespace HealthChecker.Bench.Cluster;

/// <summary>
/// <c>cluster-peers</c>: one loopback listener per target, in a process of its own (its CPU is no node's, and a process
/// holds fewer listeners than its open-file limit), so that a connect check says which target it was by where it
/// connected. One epoll thread accepts, answers <c>OK</c> and closes; each accept is recorded as a <see cref="Stopwatch"/>
/// timestamp (the monotonic clock, the same in every process of the machine) of the moment the kernel completed the
/// handshake, under its target's index.
/// Prints <c>index address port</c> per listener, then <c>ready</c>; on stdin, <c>clear</c> forgets the record,
/// <c>count</c> answers the connections accepted so far, <c>dump PATH</c> writes the record (per listener: int32 index,
/// int32 n, n int64 timestamps) and answers <c>dumped</c>; ends when stdin closes.
/// </summary>
internal static partial class TargetListeners
{
    private const int Backlog = 1024;

    /// <summary>What each listener says on accepting: the targets expect it, so that their checks complete the handshake (see <see cref="ClusterBenchmark"/>).</summary>
    public const string BannerText = "OK";
    private static readonly byte[] Banner = "OK\r\n"u8.ToArray();
    private static readonly Lock Record = new();

    /// <summary>The loopback address and port of target <paramref name="index"/>: <paramref name="ports"/> ports from <paramref name="portBase"/> on each of 127.1.x.y.</summary>
    public static IPEndPoint PlannedEndpoint(int index, int ports, int portBase)
    {
        int address = index / ports;
        return new IPEndPoint(new IPAddress([127, 1, (byte)(address / 250), (byte)(1 + (address % 250))]), portBase + (index % ports));
    }

    public static int Run(int first, int count, int ports, int portBase)
    {
        FileLimit.Raise();
        var byFd = new Dictionary<int, int>(count);
        var times = new List<long>[count];
        var sockets = new List<Socket>(count);
        for (int i = 0; i < count; i++)
        {
            var socket = Listen(PlannedEndpoint(first + i, ports, portBase));
            sockets.Add(socket);
            byFd[(int)socket.Handle] = i;
            times[i] = [];
            var bound = (IPEndPoint)socket.LocalEndPoint!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{first + i} {bound.Address} {bound.Port}"));
        }

        using var poller = Poller.Create(PollerKind.Epoll);
        foreach (var fd in byFd.Keys)
        {
            poller.Register(fd, FdEvents.In);
        }

        long accepted = 0;
        var thread = new Thread(() =>
        {
            var ready = new PolledEvent[256];
            while (true)
            {
                int n = poller.Wait(ready, -1);
                for (int e = 0; e < n; e++)
                {
                    int index = byFd[ready[e].Fd];
                    int got = AcceptAll(ready[e].Fd, times[index]);
                    Interlocked.Add(ref accepted, got);
                }
            }
        }) { IsBackground = true, Name = "target-listeners" };
        thread.Start();
        Console.WriteLine("ready");
        Console.Out.Flush();

        while (Console.In.ReadLine() is { } line)
        {
            var parts = line.Split(' ', 2);
            switch (parts[0])
            {
                case "clear":
                    lock (Record)
                    {
                        Array.ForEach(times, t => t.Clear());
                    }

                    Console.WriteLine("cleared");
                    break;
                case "count":
                    Console.WriteLine(Interlocked.Read(ref accepted).ToString(CultureInfo.InvariantCulture));
                    break;
                case "dump" when parts.Length == 2:
                    Dump(parts[1], first, times);
                    Console.WriteLine("dumped");
                    break;
                default:
                    Console.WriteLine($"unknown command '{line}'");
                    break;
            }

            Console.Out.Flush();
        }

        // The sockets own the listening fds: collected, they would close them under the accept loop.
        GC.KeepAlive(sockets);
        return 0;
    }

    /// <summary>Binds the planned endpoint; when another program holds that port, any free port on the same address.</summary>
    private static Socket Listen(IPEndPoint planned)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        try
        {
            socket.Bind(planned);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Bind(new IPEndPoint(planned.Address, 0));
        }

        socket.Listen(Backlog);
        return socket;
    }

    private static void Dump(string path, int first, List<long>[] times)
    {
        using var writer = new BinaryWriter(File.Create(path));
        lock (Record)
        {
            for (int i = 0; i < times.Length; i++)
            {
                writer.Write(first + i);
                writer.Write(times[i].Count);
                foreach (var t in times[i])
                {
                    writer.Write(t);
                }
            }
        }
    }

    /// <summary>Accepts and closes every connection queued on <paramref name="listener"/>, recording each; returns how many.</summary>
    private static int AcceptAll(int listener, List<long> times)
    {
        int got = 0;
        while (true)
        {
            int fd = Native.accept4(listener, 0, 0, LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC);
            int errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            // A connection the checker reset before it was accepted still reached this target: it counts as a check.
            if (fd >= 0 || errno == Native.ECONNABORTED)
            {
                long at = fd >= 0 ? ConnectedAt(fd) : Stopwatch.GetTimestamp();
                if (fd >= 0)
                {
                    Answer(fd);
                    LibC.close(fd);
                }

                lock (Record)
                {
                    times.Add(at);
                }

                got++;
                continue;
            }

            if (errno == Errno.EINTR)
            {
                continue;
            }

            // EAGAIN: the queue is empty; anything else (EMFILE) is retried on the next readiness.
            return got;
        }
    }

    /// <summary>The banner the targets' one step expects; a checker that gave up already gets nothing (no SIGPIPE).</summary>
    private static unsafe void Answer(int fd)
    {
        fixed (byte* banner = Banner)
        {
            _ = Native.send(fd, banner, Banner.Length, Native.MSG_NOSIGNAL);
        }
    }

    /// <summary>
    /// When the connection's handshake ended, by the kernel (TCP_INFO's <c>tcpi_last_ack_recv</c>, ms since its last ACK came
    /// in): a busy machine may run this thread seconds after the check connected, and the accept time would then be late.
    /// </summary>
    private static unsafe long ConnectedAt(int fd)
    {
        long now = Stopwatch.GetTimestamp();
        byte* info = stackalloc byte[Native.TcpInfoSize];
        int length = Native.TcpInfoSize;
        if (Native.getsockopt(fd, Native.IPPROTO_TCP, Native.TCP_INFO, info, ref length) != 0 || length < Native.LastAckReceivedOffset + sizeof(uint))
        {
            return now;
        }

        uint sinceAckMs = *(uint*)(info + Native.LastAckReceivedOffset);
        return now - (sinceAckMs * Stopwatch.Frequency / 1000);
    }

    private static unsafe partial class Native
    {
        public const int ECONNABORTED = 103;
        public const int IPPROTO_TCP = 6;
        public const int TCP_INFO = 11;
        public const int TcpInfoSize = 256;
        public const int MSG_NOSIGNAL = 0x4000;

        // struct tcp_info: 8 bytes of u8 fields, then u32 rto, ato, snd_mss, rcv_mss, unacked, sacked, lost, retrans, fackets,
        // last_data_sent, last_ack_sent, last_data_recv, last_ack_recv.
        public const int LastAckReceivedOffset = 56;

        [LibraryImport("libc.so.6", SetLastError = true)]
        public static partial nint send(int fd, byte* buffer, nint length, int flags);

        [LibraryImport("libc.so.6", SetLastError = true)]
        public static partial int getsockopt(int fd, int level, int name, byte* value, ref int length);

        [LibraryImport("libc.so.6", SetLastError = true)]
        public static partial int accept4(int fd, nint address, nint addressLength, int flags);
    }
}
