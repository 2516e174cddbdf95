using System.Net;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Connections;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Connections;

/// <summary>docs/engine.md's table of the fd handler while WaitL4Conn: real sockets, a fake poller, chosen masks.</summary>
public sealed class FdHandlerTests
{
    private readonly FakePoller _poller = new();
    private readonly RecordingOwner _owner = new();

    [Fact]
    public void Connect_in_progress_registers_for_Out_only()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var check = Start(peer.EndPoint);

        Assert.True(check.Connection.Has(ConnectionFlags.WaitL4Conn));
        Assert.Equal(["Register Out"], _poller.Calls);
        check.Expire();
    }

    [Fact]
    public void Out_alone_means_connected_with_no_syscall()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var check = Start(peer.EndPoint);
        Sockets.WaitFor(check.Fd, PollFd.POLLOUT);

        check.Connection.HandleEvents(FdEvents.Out);

        var result = Finished(check);
        Assert.Equal(CheckStatus.L4Ok, result.Status);
        Assert.Equal(0, result.Counters.GetsockoptCalls);
        Assert.Equal(0, result.Counters.RecvCalls);
        Assert.Equal(0, result.Counters.SendCalls);
        Assert.Equal(1, result.Counters.Wakeups);
    }

    [Theory]
    [InlineData(FdEvents.Out | FdEvents.Err | FdEvents.Hup)]
    [InlineData(FdEvents.Err)]
    [InlineData(FdEvents.Err | FdEvents.Hup)]
    [InlineData(FdEvents.In | FdEvents.Out | FdEvents.Err | FdEvents.Hup)]
    public void Err_reads_SO_ERROR_once_and_never_receives(FdEvents mask)
    {
        var check = Start(LoopbackPeer.ClosedPort());
        Sockets.WaitFor(check.Fd, PollFd.POLLOUT);

        check.Connection.HandleEvents(mask);

        var result = Finished(check);
        Assert.Equal(CheckStatus.L4Connection, result.Status);
        Assert.Equal("Connection refused", result.Info);
        Assert.Equal(1, result.Counters.GetsockoptCalls);
        Assert.Equal(0, result.Counters.RecvCalls);
        Assert.Equal(Errno.ECONNREFUSED, check.Connection.Errno);
    }

    [Fact]
    public void Err_with_ECONNRESET_on_a_connect_only_check_is_L4OK_the_handshake_was_made()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.BannerThenReset);
        var check = Start(peer.EndPoint);
        // The peer accepted, greeted and reset before the fd handler ran: the kernel reports Err.
        Sockets.WaitForAll(check.Fd, PollFd.POLLOUT, PollFd.POLLERR);

        check.Connection.HandleEvents(FdEvents.Out | FdEvents.Err | FdEvents.Hup);

        var result = Finished(check);
        Assert.Equal((CheckStatus.L4Ok, ""), (result.Status, result.Info));
        Assert.Equal(1, result.Counters.GetsockoptCalls);
        Assert.Equal(0, result.Counters.RecvCalls);
        Assert.Equal(0, result.Counters.SendCalls);
        Assert.Equal(Errno.ECONNRESET, check.Connection.Errno);
        Assert.Equal(["Register Out", "Unregister"], _poller.Calls);
    }

    [Fact]
    public void Hup_alone_whose_SO_ERROR_is_ECONNRESET_is_L4OK_like_Err()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenReset);
        var check = Start(peer.EndPoint);
        Sockets.WaitForAll(check.Fd, PollFd.POLLOUT, PollFd.POLLERR);

        check.Connection.HandleEvents(FdEvents.Hup);

        var result = Finished(check);
        Assert.Equal((CheckStatus.L4Ok, ""), (result.Status, result.Info));
        Assert.Equal(1, result.Counters.GetsockoptCalls);
        Assert.Equal(0, result.Counters.RecvCalls);
    }

    [Fact]
    public void Error_leaves_the_poller_before_the_fd_is_closed()
    {
        var check = Start(LoopbackPeer.ClosedPort());
        Sockets.WaitFor(check.Fd, PollFd.POLLOUT);

        check.Connection.HandleEvents(FdEvents.Out | FdEvents.Err | FdEvents.Hup);

        Finished(check);
        Assert.Equal(["Register Out", "Unregister"], _poller.Calls);
        Assert.Equal([true], _poller.OpenAtUnregister);
        Assert.Empty(_poller.Registered);
        // Closed by the connection (the number itself may already serve a socket of another test).
        Assert.Equal(-1, check.Connection.Fd);
    }

    [Fact]
    public void Hup_without_Err_on_a_refused_connect_is_L4CON_from_SO_ERROR()
    {
        var check = Start(LoopbackPeer.ClosedPort());
        Sockets.WaitFor(check.Fd, PollFd.POLLOUT);

        check.Connection.HandleEvents(FdEvents.Hup);

        var result = Finished(check);
        Assert.Equal(CheckStatus.L4Connection, result.Status);
        Assert.Equal("Connection refused", result.Info);
        Assert.Equal(1, result.Counters.GetsockoptCalls);
        Assert.Equal(0, result.Counters.RecvCalls);
    }

    [Fact]
    public void Hup_without_Err_after_a_completed_handshake_is_L4OK_the_peer_left()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        var connection = new Connection(_poller, Core.Transport.RawTransport.Instance);
        // Not connect-only: the final ACK goes out at once, so the peer accepts and closes.
        Assert.Equal(ConnectOutcome.InProgress, connection.Connect(peer.EndPoint, connectOnly: false));
        Sockets.WaitForAll(connection.Fd, PollFd.POLLIN | PollFd.POLLRDHUP, PollFd.POLLIN);

        connection.HandleEvents(FdEvents.Hup);

        Assert.True(connection.Has(ConnectionFlags.Connected | ConnectionFlags.ReadShut));
        Assert.False(connection.Has(ConnectionFlags.Error));
        Assert.False(connection.Has(ConnectionFlags.WaitL4Conn));
        Assert.Equal(1, connection.Counters.GetsockoptCalls);
        Assert.Equal(0, connection.Counters.RecvCalls);
        connection.Close();
    }

    [Fact]
    public void Timer_expiry_is_L4TOUT_with_no_syscall()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var check = Start(peer.EndPoint);

        check.Expire();

        var result = Finished(check);
        Assert.Equal(CheckStatus.L4Timeout, result.Status);
        Assert.Equal("", result.Info);
        Assert.Equal(0, result.Counters.GetsockoptCalls);
        Assert.Equal(0, result.Counters.RecvCalls);
        Assert.Equal(0, result.Counters.Wakeups);
        Assert.Empty(_poller.Registered);
    }

    private CheckRun Start(IPEndPoint endPoint)
    {
        var check = new CheckRun(new CheckSpec(CheckTarget.Tcp(endPoint.Address, endPoint.Port)), endPoint, _owner);
        check.StartOn(_poller, System.Diagnostics.Stopwatch.GetTimestamp());
        Assert.Null(check.Result);
        return check;
    }

    private CheckResult Finished(CheckRun check)
    {
        Assert.Equal([check], _owner.Finished);
        return check.Result!;
    }
}
