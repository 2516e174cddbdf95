using HealthChecker.Core.Connections;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;
using HealthChecker.Core.Transport;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Transport;

/// <summary>RawTransport's rows of the connected table: what recv and send results mean for polling and flags.</summary>
public sealed class RawTransportTests
{
    private readonly FakePoller _poller = new();

    [Fact]
    public void Send_before_the_handshake_completes_polls_for_write_and_is_no_error()
    {
        using var queue = new FullAcceptQueue();
        var connection = Connecting(queue);

        int sent = connection.Transport.SendFrom(connection, "PING\r\n"u8);

        Assert.Equal(0, sent);
        Assert.Equal(1, connection.Counters.SendCalls);
        Assert.False(connection.Has(ConnectionFlags.Error));
        Assert.True(connection.Has(ConnectionFlags.WaitL4Conn));
        Assert.Equal(FdEvents.Out, _poller.Registered[connection.Fd] & FdEvents.Out);
        connection.Close();
    }

    [Fact]
    public void Recv_before_the_handshake_completes_polls_for_read_and_is_no_error()
    {
        using var queue = new FullAcceptQueue();
        var connection = Connecting(queue);

        int received = connection.Transport.ReceiveInto(connection, new byte[16]);

        Assert.Equal(0, received);
        Assert.Equal(1, connection.Counters.RecvCalls);
        Assert.False(connection.Has(ConnectionFlags.Error));
        Assert.True(connection.Has(ConnectionFlags.WaitL4Conn));
        Assert.Equal(FdEvents.In, _poller.Registered[connection.Fd] & FdEvents.In);
        connection.Close();
    }

    [Fact]
    public void A_full_send_buffer_polls_for_write_and_is_no_error()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var connection = Connected(peer);
        var chunk = new byte[1 << 20];
        int sent = 0;
        for (int i = 0; i < 64 && (_poller.Registered[connection.Fd] & FdEvents.Out) == 0; i++)
        {
            sent += connection.Transport.SendFrom(connection, chunk);
        }

        Assert.True(sent > 0);
        Assert.True((_poller.Registered[connection.Fd] & FdEvents.Out) != 0);
        Assert.False(connection.Has(ConnectionFlags.Error));
        connection.Close();
    }

    [Fact]
    public void The_transport_clears_WaitL4Conn_when_a_byte_moves()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var connection = new Connection(_poller, RawTransport.Instance);
        Assert.Equal(ConnectOutcome.InProgress, connection.Connect(peer.EndPoint, connectOnly: false));
        Sockets.WaitFor(connection.Fd, PollFd.POLLOUT);
        Assert.True(connection.Has(ConnectionFlags.WaitL4Conn));

        int sent = connection.Transport.SendFrom(connection, "PING\r\n"u8);

        Assert.Equal(6, sent);
        Assert.False(connection.Has(ConnectionFlags.WaitL4Conn));
        Assert.True(connection.Has(ConnectionFlags.Connected));
        Assert.Equal(1, connection.Counters.SendCalls);
        connection.Close();
    }

    private Connection Connecting(FullAcceptQueue queue)
    {
        var connection = new Connection(_poller, RawTransport.Instance);
        Assert.Equal(ConnectOutcome.InProgress, connection.Connect(queue.EndPoint, connectOnly: false));
        return connection;
    }

    private Connection Connected(LoopbackPeer peer)
    {
        var connection = new Connection(_poller, RawTransport.Instance);
        Assert.Equal(ConnectOutcome.InProgress, connection.Connect(peer.EndPoint, connectOnly: false));
        Sockets.WaitFor(connection.Fd, PollFd.POLLOUT);
        connection.HandleEvents(FdEvents.Out);
        Assert.True(connection.Has(ConnectionFlags.Connected));
        // Nothing to send yet: stop asking for Out, as a data layer would.
        connection.StopSend();
        return connection;
    }
}
