using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;
using HealthChecker.Core.Transport;

namespace HealthChecker.Core.Connections;

/// <summary>
/// Owns one socket, its flags and errno, and the fd handler that turns poller events into
/// transport calls and data-layer wake-ups (HAProxy's struct connection and conn_fd_handler).
/// </summary>
public sealed unsafe partial class Connection : ITransportSocket
{
    private readonly IPoller _poller;
    private FdEvents _interest;
    private bool _registered;
    private ConnectionCounters _counters;

    public Connection(IPoller poller, ITransport transport)
    {
        _poller = poller;
        Transport = transport;
    }

    public int Fd { get; private set; } = -1;

    public ConnectionFlags Flags { get; private set; }

    /// <summary>Why the connection failed, once <see cref="ConnectionFlags.Error"/> is set.</summary>
    public int Errno { get; private set; }

    /// <summary>The errno's text, as checks report it.</summary>
    public string ErrorText => Interop.Errno.Text(Errno);

    /// <summary>The events the fd handler is working on now (the transport reads Hup from it).</summary>
    public FdEvents Events { get; private set; }

    /// <summary>What the poller is asked to report for this fd.</summary>
    public FdEvents Interest => _registered ? _interest : FdEvents.None;

    public bool IsRegistered => _registered;

    public ITransport Transport { get; }

    public IDataLayer? DataLayer { get; set; }

    public ConnectionCounters Counters => _counters;

    public bool Has(ConnectionFlags flags) => (Flags & flags) == flags;

    bool ITransportSocket.HasFailed => Has(ConnectionFlags.Error);

    bool ITransportSocket.IsReadShut => Has(ConnectionFlags.ReadShut);

    /// <summary>Opens a non-blocking socket and starts connecting; registers for Out only if connect is in progress.</summary>
    public ConnectOutcome Connect(IPEndPoint endPoint, bool connectOnly)
    {
        int family = endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? LibC.AF_INET6 : LibC.AF_INET;
        int fd = LibC.socket(family, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            // EMFILE, ENFILE, ENOBUFS...: our shortage, reported as SOCKERR.
            Errno = Marshal.GetLastPInvokeError();
            Flags |= ConnectionFlags.Error;
            return ConnectOutcome.SocketError;
        }
        Fd = fd;
        // close() then sends RST: no TIME_WAIT piles up on the checker's side.
        var linger = new Linger { l_onoff = 1, l_linger = 0 };
        LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_LINGER, &linger, sizeof(Linger));
        if (connectOnly)
        {
            // Delay the handshake's last ACK so our RST goes first and the server application never wakes up.
            int zero = 0;
            LibC.setsockopt(fd, LibC.IPPROTO_TCP, LibC.TCP_QUICKACK, &zero, sizeof(int));
        }

        byte* address = stackalloc byte[sizeof(SockAddrIn6)];
        int length = SockAddr.Write(endPoint, new Span<byte>(address, sizeof(SockAddrIn6)));
        int rc = LibC.connect(fd, address, length);
        int errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
        if (rc == 0)
        {
            Flags |= ConnectionFlags.Connected;
            return ConnectOutcome.Connected;
        }
        if (errno == Interop.Errno.EINPROGRESS)
        {
            Flags |= ConnectionFlags.WaitL4Conn;
            // Out only: asking for In while connecting makes Linux report In with Err, tempting a useless recv.
            Subscribe(FdEvents.Out);
            return ConnectOutcome.InProgress;
        }
        // Refused at once, unreachable, or our own shortage; the fd was never registered.
        Errno = errno;
        Flags |= ConnectionFlags.Error;
        return Interop.Errno.IsResourceShortage(errno) ? ConnectOutcome.SocketError : ConnectOutcome.Failed;
    }

    public void WantReceive() => Subscribe(_interest | FdEvents.In);

    public void StopReceive() => Subscribe(_interest & ~FdEvents.In);

    public void WantSend() => Subscribe(_interest | FdEvents.Out);

    public void StopSend() => Subscribe(_interest & ~FdEvents.Out);

    /// <summary>Leaves the poller, then closes the socket (RST thanks to SO_LINGER {1,0}).</summary>
    public void Close()
    {
        Unregister();
        if (Fd >= 0)
        {
            LibC.close(Fd);
            Fd = -1;
        }
    }

    void ITransportSocket.CountRecv() => _counters.RecvCalls++;

    void ITransportSocket.CountSend() => _counters.SendCalls++;

    /// <summary>A byte moved or read0 was seen: the handshake is proven.</summary>
    void ITransportSocket.NoteActivity() => NoteActivity();

    void ITransportSocket.NoteReadShut() => NoteReadShut();

    void ITransportSocket.Fail(int errno) => Fail(errno);

    internal void NoteActivity()
    {
        if ((Flags & ConnectionFlags.WaitL4Conn) != 0)
        {
            Flags = (Flags & ~ConnectionFlags.WaitL4Conn) | ConnectionFlags.Connected;
        }
    }

    internal void NoteReadShut() => Flags |= ConnectionFlags.ReadShut;

    /// <summary>Marks the error; the fd leaves the poller first, or a level-triggered poller reports it forever.</summary>
    internal void Fail(int errno)
    {
        Unregister();
        Errno = errno;
        Flags = (Flags & ~ConnectionFlags.WaitL4Conn) | ConnectionFlags.Error;
    }

    /// <summary>getsockopt(SO_ERROR): reading clears it in the kernel, so the caller keeps what it returns.</summary>
    internal int ReadSocketError()
    {
        int error = 0;
        int length = sizeof(int);
        int rc = LibC.getsockopt(Fd, LibC.SOL_SOCKET, LibC.SO_ERROR, &error, &length);
        int errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
        _counters.GetsockoptCalls++;
        return rc < 0 ? errno : error;
    }

    private void Subscribe(FdEvents interest)
    {
        if ((Flags & ConnectionFlags.Error) != 0)
        {
            // A failed connection left the poller for good; a session judging it must not put it back.
            return;
        }
        if (!_registered)
        {
            _poller.Register(Fd, interest);
            _registered = true;
        }
        else if (interest != _interest)
        {
            _poller.Update(Fd, interest);
        }
        _interest = interest;
    }

    private void Unregister()
    {
        if (_registered)
        {
            _poller.Unregister(Fd);
            _registered = false;
        }
    }
}
