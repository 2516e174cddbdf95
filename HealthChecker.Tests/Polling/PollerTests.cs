using System.Net;
using System.Net.Sockets;
using HealthChecker.Core.Polling;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Polling;

/// <summary>Both pollers report the same flags for the same kernel states.</summary>
public sealed class PollerTests
{
    public static TheoryData<PollerKind> Kinds => [PollerKind.Epoll, PollerKind.Poll];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Refused_connect_reports_Err_and_Hup(PollerKind kind)
    {
        using var poller = Poller.Create(kind);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        Connect(client, LoopbackPeer.ClosedPort());
        int fd = (int)client.Handle;
        poller.Register(fd, FdEvents.Out);

        var events = WaitOne(poller, fd);

        Assert.Equal(FdEvents.Err | FdEvents.Hup, events & (FdEvents.Err | FdEvents.Hup));
        poller.Unregister(fd);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Completed_connect_reports_Out_alone(PollerKind kind)
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var poller = Poller.Create(kind);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        Connect(client, peer.EndPoint);
        int fd = (int)client.Handle;
        poller.Register(fd, FdEvents.Out);

        Assert.Equal(FdEvents.Out, WaitOne(poller, fd));
        poller.Unregister(fd);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Readable_data_reports_In_and_a_peer_close_adds_Hup(PollerKind kind)
    {
        using var peer = new LoopbackPeer(PeerBehaviour.BannerThenClose);
        using var poller = Poller.Create(kind);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(peer.EndPoint);
        int fd = (int)client.Handle;
        poller.Register(fd, FdEvents.In);
        Sockets.WaitForAll(fd, Core.Interop.PollFd.POLLIN | Core.Interop.PollFd.POLLRDHUP, Core.Interop.PollFd.POLLIN | Core.Interop.PollFd.POLLRDHUP);

        var events = WaitOne(poller, fd);

        // Both ask for RDHUP with In, so the FIN shows as Hup beside the data.
        Assert.Equal(FdEvents.In | FdEvents.Hup, events);
        poller.Unregister(fd);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Unregistered_fds_are_no_longer_reported(PollerKind kind)
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var poller = Poller.Create(kind);
        var clients = Enumerable.Range(0, 3).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)).ToList();
        foreach (var c in clients)
        {
            c.Connect(peer.EndPoint);
            poller.Register((int)c.Handle, FdEvents.Out);
        }
        poller.Unregister((int)clients[1].Handle);
        poller.Update((int)clients[2].Handle, FdEvents.In);

        var ready = new PolledEvent[8];
        int n = poller.Wait(ready, 1000);

        Assert.Equal([(int)clients[0].Handle], ready[..n].Select(e => e.Fd));
        clients.ForEach(c => c.Dispose());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Wait_with_nothing_ready_returns_zero_at_the_timeout(PollerKind kind)
    {
        using var poller = Poller.Create(kind);
        Assert.Equal(0, poller.Wait(new PolledEvent[4], 10));
    }

    private static void Connect(Socket client, IPEndPoint endPoint)
    {
        try
        {
            client.Connect(endPoint);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // Non-blocking connect in progress: the poller will tell.
        }
    }

    private static FdEvents WaitOne(IPoller poller, int fd)
    {
        var ready = new PolledEvent[4];
        int n = poller.Wait(ready, 5000);
        Assert.Equal(1, n);
        Assert.Equal(fd, ready[0].Fd);
        return ready[0].Events;
    }
}
