using System.Diagnostics;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Support.ProtocolRun;

namespace HealthChecker.Tests.Checks;

/// <summary>A protocol check driven by chosen masks: the rows of the fd-handler tables that a race hides.</summary>
public sealed class ProtocolFdHandlerTests
{
    private readonly FakePoller _poller = new();
    private readonly RecordingOwner _owner = new();

    [Fact]
    public void A_reset_seen_while_connecting_is_SOCKERR_for_a_check_that_sends_first_with_zero_recv()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.BannerThenReset);
        var check = ResetWhileConnecting(peer, CheckProtocol.Expect(Send("HELLO\\r\\n"), Expect("220")));

        var result = Finished(check);
        Assert.Equal((CheckStatus.SocketError, "Connection reset by peer"), (result.Status, result.Info));
        Assert.Equal(0, result.Counters.RecvCalls);
        Assert.Equal(0, result.Counters.SendCalls);
        Assert.Equal(1, result.Counters.GetsockoptCalls);
    }

    [Fact]
    public void A_reset_seen_while_connecting_is_SOCKERR_for_HTTP_with_zero_recv()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.BannerThenReset);
        var http = new CheckProtocol([], new HttpOptions("GET", "/", null, HttpOptions.DefaultStatus, null));
        var check = ResetWhileConnecting(peer, http, "http");

        var result = Finished(check);
        Assert.Equal((CheckStatus.SocketError, "Connection reset by peer"), (result.Status, result.Info));
        Assert.Equal(0, result.Counters.RecvCalls);
        Assert.Equal(0, result.Counters.SendCalls);
        Assert.Equal(1, result.Counters.GetsockoptCalls);
    }

    [Fact]
    public void A_reset_seen_while_connecting_lets_a_check_that_receives_first_read_the_greeting_and_match()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.BannerThenReset);
        var check = ResetWhileConnecting(peer, CheckProtocol.Expect(Expect("220")));

        var result = Finished(check);
        Assert.Equal((CheckStatus.L7Ok, ""), (result.Status, result.Info));
        Assert.Equal(1, result.Counters.RecvCalls);
        Assert.Equal(1, result.Counters.GetsockoptCalls);
        // Received at once, without asking the poller for In.
        Assert.Equal(["Register Out", "Unregister"], _poller.Calls);
    }

    [Fact]
    public void A_reset_seen_while_connecting_judges_the_greeting_it_read_when_it_does_not_match()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.BannerThenReset);
        var check = ResetWhileConnecting(peer, CheckProtocol.Expect(Expect("554")));

        var result = Finished(check);
        Assert.Equal((CheckStatus.L7Response, "TCPCHK did not match content '554' at step 1"), (result.Status, result.Info));
        Assert.Equal(1, result.Counters.RecvCalls);
        Assert.Equal(1, result.Counters.GetsockoptCalls);
    }

    [Fact]
    public void A_reset_with_nothing_said_seen_while_connecting_is_SOCKERR_for_a_check_that_receives_first()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenReset);
        var check = ResetWhileConnecting(peer, CheckProtocol.Expect(Expect("220")));

        var result = Finished(check);
        Assert.Equal((CheckStatus.SocketError, "Connection reset by peer"), (result.Status, result.Info));
        Assert.Equal(1, result.Counters.RecvCalls);
        Assert.Equal(1, result.Counters.GetsockoptCalls);
    }

    [Fact]
    public void A_refused_connect_is_L4CON_with_zero_recv_even_for_a_check_that_receives_first()
    {
        var closed = LoopbackPeer.ClosedPort();
        var check = new CheckRun(Spec(closed, CheckProtocol.Expect(Expect("220"))), closed, _owner);
        check.StartOn(_poller, Stopwatch.GetTimestamp());
        Sockets.WaitFor(check.Fd, PollFd.POLLOUT);

        check.Connection.HandleEvents(FdEvents.Out | FdEvents.Err | FdEvents.Hup);

        var result = Finished(check);
        Assert.Equal((CheckStatus.L4Connection, "Connection refused"), (result.Status, result.Info));
        Assert.Equal(0, result.Counters.RecvCalls);
        Assert.Equal(1, result.Counters.GetsockoptCalls);
    }

    [Fact]
    public void Data_with_a_reset_in_one_report_is_read_first_and_still_matches()
    {
        using var sent = new ManualResetEventSlim();
        using var peer = new ScriptedPeer(s =>
        {
            s.Send("220 ready\r\n"u8.ToArray());
            s.LingerState = new System.Net.Sockets.LingerOption(true, 0);
            sent.Set();
        });
        var poller = new FakePoller();
        var owner = new RecordingOwner();
        var check = new CheckRun(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220"))), peer.EndPoint, owner);

        check.StartOn(poller, Stopwatch.GetTimestamp());
        Sockets.WaitFor(check.Fd, PollFd.POLLOUT);
        check.Connection.HandleEvents(FdEvents.Out);
        Assert.True(sent.Wait(TimeSpan.FromSeconds(5)));
        Sockets.WaitForAll(check.Fd, PollFd.POLLIN, PollFd.POLLIN | PollFd.POLLERR);
        check.Connection.HandleEvents(FdEvents.In | FdEvents.Err | FdEvents.Hup);

        var result = Assert.Single(owner.Finished).Result!;
        Assert.Equal((CheckStatus.L7Ok, ""), (result.Status, result.Info));
        Assert.True(result.Counters.RecvCalls >= 1);
        // Judging the answer after the error does not put the failed fd back in the poller.
        Assert.Single(poller.Calls, c => c.StartsWith("Register", StringComparison.Ordinal));
    }

    /// <summary>
    /// Connects, lets the peer accept and reset, and hands the fd handler the report the kernel then
    /// gives while WaitL4Conn (Out, Err and Hup together), as when the reset lands before the first poll.
    /// </summary>
    private CheckRun ResetWhileConnecting(LoopbackPeer peer, CheckProtocol protocol, string scheme = "tcp")
    {
        var check = new CheckRun(Spec(peer.EndPoint, protocol, scheme), peer.EndPoint, _owner);
        check.StartOn(_poller, Stopwatch.GetTimestamp());
        Assert.True(check.Connection.Has(Core.Connections.ConnectionFlags.WaitL4Conn));
        Sockets.WaitForAll(check.Fd, PollFd.POLLOUT, PollFd.POLLERR);
        check.Connection.HandleEvents(FdEvents.Out | FdEvents.Err | FdEvents.Hup);
        return check;
    }

    private CheckResult Finished(CheckRun check)
    {
        Assert.Equal([check], _owner.Finished);
        return check.Result!;
    }
}
