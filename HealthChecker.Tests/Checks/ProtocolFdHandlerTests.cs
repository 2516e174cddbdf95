using System.Diagnostics;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Support.ProtocolRun;

namespace HealthChecker.Tests.Checks;

/// <summary>A protocol check driven by chosen masks: the rows of the fd-handler tables that a race hides.</summary>
public sealed class ProtocolFdHandlerTests
{
    [Fact]
    public void A_reset_seen_while_connecting_is_SOCKERR_for_a_protocol_check_with_zero_recv()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.ResetsAtOnce);
        var poller = new FakePoller();
        var owner = new RecordingOwner();
        var check = new ConnectCheck(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220"))), peer.EndPoint, poller, owner);

        check.Start(Stopwatch.GetTimestamp());
        // The kernel has the RST before the fd handler runs: Out, Err and Hup arrive together.
        Sockets.WaitForAll(check.Fd, PollFd.POLLOUT, PollFd.POLLERR);
        check.Connection.HandleEvents(FdEvents.Out | FdEvents.Err | FdEvents.Hup);

        var result = Assert.Single(owner.Finished).Result!;
        Assert.Equal((CheckStatus.SocketError, "Connection reset by peer"), (result.Status, result.Info));
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
        var check = new ConnectCheck(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220"))), peer.EndPoint, poller, owner);

        check.Start(Stopwatch.GetTimestamp());
        Sockets.WaitFor(check.Fd, PollFd.POLLOUT);
        check.Connection.HandleEvents(FdEvents.Out);
        Assert.True(sent.Wait(TimeSpan.FromSeconds(5)));
        Sockets.WaitForAll(check.Fd, PollFd.POLLIN, PollFd.POLLIN | PollFd.POLLERR);
        check.Connection.HandleEvents(FdEvents.In | FdEvents.Err | FdEvents.Hup);

        var result = Assert.Single(owner.Finished).Result!;
        Assert.Equal((CheckStatus.L7Ok, ""), (result.Status, result.Info));
        Assert.True(result.Counters.RecvCalls >= 1);
    }
}
