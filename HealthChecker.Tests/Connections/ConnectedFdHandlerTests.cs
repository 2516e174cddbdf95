using HealthChecker.Core.Connections;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;
using HealthChecker.Core.Transport;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Connections;

/// <summary>docs/engine.md's table of the fd handler once connected, with a data layer that reads.</summary>
public sealed class ConnectedFdHandlerTests
{
    private readonly FakePoller _poller = new();
    private readonly ReceivingDataLayer _data = new();

    [Fact]
    public void In_Err_Hup_after_a_short_read_keeps_the_data_and_takes_the_error_without_a_second_recv()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.BannerThenReset);
        var connection = Connected(peer);
        Sockets.WaitForAll(connection.Fd, PollFd.POLLIN, PollFd.POLLIN | PollFd.POLLERR | PollFd.POLLHUP);

        connection.HandleEvents(FdEvents.In | FdEvents.Err | FdEvents.Hup);

        Assert.Equal(LoopbackPeer.Banner, _data.Data.ToArray());
        Assert.True(connection.Has(ConnectionFlags.Error | ConnectionFlags.ReadShut));
        Assert.Equal(Errno.ECONNRESET, connection.Errno);
        Assert.Equal(1, connection.Counters.RecvCalls);
        Assert.Equal(1, connection.Counters.GetsockoptCalls);
        Assert.Empty(_poller.Registered);
        connection.Close();
    }

    [Fact]
    public void In_Hup_with_a_short_read_is_read0_without_another_recv()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.BannerThenClose);
        var connection = Connected(peer);
        Sockets.WaitForAll(connection.Fd, PollFd.POLLIN | PollFd.POLLRDHUP, PollFd.POLLIN | PollFd.POLLRDHUP);

        connection.HandleEvents(FdEvents.In | FdEvents.Hup);

        Assert.Equal(LoopbackPeer.Banner, _data.Data.ToArray());
        Assert.True(connection.Has(ConnectionFlags.ReadShut));
        Assert.False(connection.Has(ConnectionFlags.Error));
        Assert.Equal(1, connection.Counters.RecvCalls);
        Assert.Equal(0, connection.Counters.GetsockoptCalls);
        connection.Close();
    }

    [Fact]
    public void Recv_returning_zero_is_read0()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        var connection = Connected(peer);
        Sockets.WaitForAll(connection.Fd, PollFd.POLLIN | PollFd.POLLRDHUP, PollFd.POLLIN | PollFd.POLLRDHUP);

        connection.HandleEvents(FdEvents.In);

        Assert.Equal(0, _data.Received);
        Assert.True(connection.Has(ConnectionFlags.ReadShut));
        Assert.Equal(1, connection.Counters.RecvCalls);
        connection.Close();
    }

    [Fact]
    public void Hup_without_In_and_without_Err_is_read0_with_no_recv()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        var connection = Connected(peer);

        connection.HandleEvents(FdEvents.Hup);

        Assert.True(connection.Has(ConnectionFlags.ReadShut));
        Assert.False(connection.Has(ConnectionFlags.Error));
        Assert.Equal(0, connection.Counters.RecvCalls);
        Assert.Equal(0, connection.Counters.GetsockoptCalls);
        connection.Close();
    }

    [Fact]
    public void Recv_EAGAIN_keeps_polling_for_read_and_is_no_error()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var connection = Connected(peer);

        connection.HandleEvents(FdEvents.In);

        Assert.Equal(0, _data.Received);
        Assert.Equal(1, connection.Counters.RecvCalls);
        Assert.False(connection.Has(ConnectionFlags.Error));
        Assert.False(connection.Has(ConnectionFlags.ReadShut));
        Assert.Equal(FdEvents.In, _poller.Registered[connection.Fd]);
        connection.Close();
    }

    private Connection Connected(LoopbackPeer peer)
    {
        var connection = new Connection(_poller, RawTransport.Instance) { DataLayer = _data };
        // Not connect-only: the last ACK goes out at once so that the peer accepts.
        Assert.Equal(ConnectOutcome.InProgress, connection.Connect(peer.EndPoint, connectOnly: false));
        Sockets.WaitFor(connection.Fd, PollFd.POLLOUT);
        connection.HandleEvents(FdEvents.Out);
        Assert.True(connection.Has(ConnectionFlags.Connected));
        Assert.Equal(FdEvents.In, _poller.Registered[connection.Fd]);
        return connection;
    }
}
