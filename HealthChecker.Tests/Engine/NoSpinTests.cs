using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Polling;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Engine;

/// <summary>A dead socket must not keep waking the loop: level-triggered pollers report Out|Hup forever.</summary>
public sealed class NoSpinTests
{
    public static TheoryData<PollerKind> Kinds => [PollerKind.Epoll, PollerKind.Poll];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_resetting_peer_costs_no_more_wakeups_per_check_than_a_passing_peer(PollerKind kind)
    {
        using var passing = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var resetting = new LoopbackPeer(PeerBehaviour.AcceptThenReset);

        var passed = EngineRun.All(kind, EngineRun.Repeat(passing.EndPoint, 200), 50);
        var reset = EngineRun.All(kind, EngineRun.Repeat(resetting.EndPoint, 200), 50);

        double passedPerCheck = passed.Average(r => r.Counters.Wakeups);
        double resetPerCheck = reset.Average(r => r.Counters.Wakeups);
        Assert.True(resetPerCheck <= passedPerCheck, $"reset {resetPerCheck} wake-ups a check, passing {passedPerCheck}");
        Assert.All(passed, r => Assert.Equal(1, r.Counters.Wakeups));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_refused_check_wakes_its_handler_once_and_the_loop_goes_back_to_sleep(PollerKind kind)
    {
        using var engine = new CheckEngine(new CheckEngineOptions { Poller = kind });
        var closed = LoopbackPeer.ClosedPort();

        var results = EngineRun.All(engine, EngineRun.Repeat(closed, 200), 50);
        long afterRun = engine.LoopWakeups;
        Thread.Sleep(200);

        Assert.All(results, r => Assert.Equal(CheckStatus.L4Connection, r.Status));
        Assert.All(results, r => Assert.Equal(1, r.Counters.Wakeups));
        Assert.All(results, r => Assert.Equal(1, r.Counters.GetsockoptCalls));
        Assert.InRange(afterRun, 1, 200 + 10);
        // Nothing in flight: the loop sleeps until handed work, it does not poll in a circle.
        Assert.Equal(afterRun, engine.LoopWakeups);
    }
}
