using System.Diagnostics;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Support.ProtocolRun;

namespace HealthChecker.Tests.Checks;

/// <summary>
/// The connect timeout bounds the connect; once the connection is up, the check timeout bounds the
/// protocol (<c>min(timeout connect, inter)</c>, then <c>timeout check</c>).
/// </summary>
public sealed class CheckTimeoutTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void Connecting_the_deadline_is_the_connect_timeout_and_its_expiry_is_L4TOUT()
    {
        using var dropsSyn = new FullAcceptQueue();
        var owner = new RecordingOwner();
        var spec = Spec(dropsSyn.EndPoint, CheckProtocol.Expect(Expect("220")), timeout: TimeSpan.FromSeconds(1)) with { CheckTimeout = Hour };
        var check = new CheckRun(spec, dropsSyn.EndPoint, owner);
        long started = Stopwatch.GetTimestamp();

        check.StartOn(new FakePoller(), started);
        Assert.Equal(started + Stopwatch.Frequency, check.Deadline);
        check.Expire();

        var result = Assert.Single(owner.Finished).Result!;
        Assert.Equal((CheckStatus.L4Timeout, ""), (result.Status, result.Info));
    }

    [Fact]
    public void Once_connected_the_deadline_becomes_the_check_timeout_and_its_expiry_names_the_step()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Silent);
        var owner = new RecordingOwner();
        var spec = Spec(peer.EndPoint, CheckProtocol.Expect(Send("HELO\r\n"), Expect("250")), timeout: TimeSpan.FromMilliseconds(1)) with
        {
            CheckTimeout = Hour,
        };
        var check = new CheckRun(spec, peer.EndPoint, owner);
        long started = Stopwatch.GetTimestamp();

        check.StartOn(new FakePoller(), started);
        Sockets.WaitFor(check.Fd, PollFd.POLLOUT);
        check.Connection.HandleEvents(FdEvents.Out);

        Assert.Empty(owner.Finished);
        // Counted from the connect, an hour on: far beyond the 1 ms the connect had.
        Assert.True(check.Deadline - started > (long)(0.9 * Hour.TotalSeconds * Stopwatch.Frequency));
        check.Expire();
        var result = Assert.Single(owner.Finished).Result!;
        Assert.Equal((CheckStatus.L7Timeout, "at step 2 of 2 (expect '250')"), (result.Status, result.Info));
    }

    [Fact]
    public void Without_a_check_timeout_the_timeout_starts_again_once_connected()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Silent);
        var spec = Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220")), timeout: Hour);
        var check = new CheckRun(spec, peer.EndPoint, new RecordingOwner());
        long started = Stopwatch.GetTimestamp();

        check.StartOn(new FakePoller(), started);
        long connectDeadline = check.Deadline;
        Sockets.WaitFor(check.Fd, PollFd.POLLOUT);
        check.Connection.HandleEvents(FdEvents.Out);

        Assert.True(check.Deadline >= connectDeadline);
        check.Connection.Close();
    }

    [Fact]
    public void A_connect_only_check_keeps_the_connect_deadline()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var owner = new RecordingOwner();
        var spec = EngineRun.Spec(peer.EndPoint, TimeSpan.FromSeconds(1)) with { CheckTimeout = Hour };
        var check = new CheckRun(spec, peer.EndPoint, owner);
        long started = Stopwatch.GetTimestamp();

        check.StartOn(new FakePoller(), started);
        Sockets.WaitFor(check.Fd, PollFd.POLLOUT);
        check.Connection.HandleEvents(FdEvents.Out);

        Assert.Equal(CheckStatus.L4Ok, Assert.Single(owner.Finished).Result!.Status);
        Assert.Equal(started + Stopwatch.Frequency, check.Deadline);
    }

    [Fact]
    public void On_the_engine_a_banner_after_the_connect_timeout_but_within_the_check_timeout_passes()
    {
        using var peer = new ScriptedPeer(s =>
        {
            Thread.Sleep(1000);
            ScriptedPeer.Says("220 ready\r\n"u8.ToArray())(s);
        });
        var spec = Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220")), timeout: TimeSpan.FromMilliseconds(300)) with
        {
            CheckTimeout = TimeSpan.FromSeconds(8),
        };

        var results = Many(spec, 3);

        Assert.All(results, r => Assert.Equal((CheckStatus.L7Ok, ""), (r.Status, r.Info)));
    }

    [Fact]
    public void On_the_engine_a_short_check_timeout_ends_a_silent_peer_at_L7TOUT()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Silent);
        // A connect timeout beyond the test's own bound: only the check timeout can end these checks in time.
        var spec = Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220")), timeout: TimeSpan.FromMinutes(5)) with
        {
            CheckTimeout = TimeSpan.FromMilliseconds(300),
        };

        var results = Many(spec, 3);

        Assert.All(results, r => Assert.Equal((CheckStatus.L7Timeout, "at step 1 of 1 (expect '220')"), (r.Status, r.Info)));
    }
}
