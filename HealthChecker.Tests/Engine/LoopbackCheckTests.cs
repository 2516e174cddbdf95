using System.Net;
using System.Net.Sockets;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Polling;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Engine;

/// <summary>Connect-only checks through the engine against real loopback peers, on both pollers.</summary>
public sealed class LoopbackCheckTests
{
    public static TheoryData<PollerKind> Kinds => [PollerKind.Epoll, PollerKind.Poll];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_listener_that_never_accepts_is_L4OK(PollerKind kind)
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var result = EngineRun.One(kind, peer.EndPoint);

        Assert.Equal(CheckStatus.L4Ok, result.Status);
        Assert.Equal("L4OK", result.Code);
        Assert.Equal("Layer4 check passed", result.Description);
        Assert.True(result.Passed);
        Assert.Equal(0, result.Counters.RecvCalls);
        Assert.Equal(0, result.Counters.SendCalls);
        Assert.Equal(0, result.Counters.GetsockoptCalls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_closed_port_is_L4CON_refused_with_zero_recv_and_one_getsockopt(PollerKind kind)
    {
        var result = EngineRun.One(kind, LoopbackPeer.ClosedPort());

        Assert.Equal(CheckStatus.L4Connection, result.Status);
        Assert.Equal("Layer4 connection problem", result.Description);
        Assert.Equal("Connection refused", result.Info);
        Assert.False(result.Passed);
        Assert.Equal(0, result.Counters.RecvCalls);
        Assert.Equal(1, result.Counters.GetsockoptCalls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Accept_then_close_is_L4OK(PollerKind kind)
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        var results = EngineRun.All(kind, EngineRun.Repeat(peer.EndPoint, 50), 10);

        Assert.All(results, r => Assert.Equal(CheckStatus.L4Ok, r.Status));
        Assert.All(results, r => Assert.Equal(0, r.Counters.RecvCalls));
    }

    [Fact]
    public void A_connect_only_check_rarely_if_ever_wakes_the_server_application()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);

        var results = EngineRun.All(PollerKind.Epoll, EngineRun.Repeat(peer.EndPoint, 100), 10);
        Thread.Sleep(100);

        Assert.All(results, r => Assert.Equal(CheckStatus.L4Ok, r.Status));
        // TCP_QUICKACK 0 delays the last ACK and our RST goes first; with an immediate ACK nearly
        // all 100 would be accepted. A loaded machine may let a few delayed ACKs out first.
        Assert.InRange(Volatile.Read(ref peer.Accepted), 0, 50);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Accept_then_reset_is_L4OK_even_if_the_RST_is_seen_first(PollerKind kind)
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenReset);
        var results = EngineRun.All(kind, EngineRun.Repeat(peer.EndPoint, 50), 10);

        // A reset is only ever sent on an established connection: the handshake was made either way.
        Assert.All(results, r => Assert.Equal((CheckStatus.L4Ok, ""), (r.Status, r.Info)));
        Assert.All(results, r => Assert.Equal(0, r.Counters.RecvCalls));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_SYN_dropped_by_a_full_accept_queue_is_L4TOUT(PollerKind kind)
    {
        using var queue = new FullAcceptQueue();
        var result = EngineRun.One(kind, queue.EndPoint, TimeSpan.FromMilliseconds(300));

        Assert.Equal(CheckStatus.L4Timeout, result.Status);
        Assert.Equal("Layer4 timeout", result.Description);
        Assert.Equal(0, result.Counters.RecvCalls);
        Assert.Equal(0, result.Counters.GetsockoptCalls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void IPv6_loopback_targets_are_checked(PollerKind kind)
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept, IPAddress.IPv6Loopback);
        var results = EngineRun.All(kind, [EngineRun.Spec(peer.EndPoint), EngineRun.Spec(LoopbackPeer.ClosedPort(IPAddress.IPv6Loopback))], 2);

        Assert.Equal(CheckStatus.L4Ok, results[0].Status);
        Assert.Equal(CheckStatus.L4Connection, results[1].Status);
        Assert.Equal("Connection refused", results[1].Info);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_slow_target_does_not_hold_up_the_others(PollerKind kind)
    {
        using var queue = new FullAcceptQueue();
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var specs = new List<CheckSpec> { EngineRun.Spec(queue.EndPoint, TimeSpan.FromMilliseconds(300)) };
        specs.AddRange(EngineRun.Repeat(peer.EndPoint, 20));
        specs.AddRange(EngineRun.Repeat(LoopbackPeer.ClosedPort(), 20));

        var results = EngineRun.All(kind, specs, 100);

        Assert.Equal(CheckStatus.L4Timeout, results[0].Status);
        Assert.All(results.Skip(1).Take(20), r => Assert.Equal(CheckStatus.L4Ok, r.Status));
        Assert.All(results.Skip(21), r => Assert.Equal(CheckStatus.L4Connection, r.Status));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Thousands_of_checks_run_on_one_loop_with_a_bound_on_those_in_flight(PollerKind kind)
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var closed = LoopbackPeer.ClosedPort();
        var specs = Enumerable.Range(0, 3000).Select(i => EngineRun.Spec(i % 3 == 0 ? closed : peer.EndPoint)).ToList();
        int maxSeen = 0;
        using var engine = new CheckEngine(new CheckEngineOptions { Poller = kind });

        var results = await engine.RunAllAsync(specs, 500, _ => maxSeen = Math.Max(maxSeen, engine.InFlight))
            .WaitAsync(EngineRun.TestTimeout);

        for (int i = 0; i < results.Count; i++)
        {
            Assert.Equal(i % 3 == 0 ? CheckStatus.L4Connection : CheckStatus.L4Ok, results[i].Status);
        }
        Assert.InRange(maxSeen, 1, 500);
        Assert.Equal(0, engine.InFlight);
    }

    [Fact]
    public async Task A_host_name_is_resolved_before_connect()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var options = new CheckEngineOptions { Resolve = (_, _) => Task.FromResult(new[] { IPAddress.Loopback }) };
        using var engine = new CheckEngine(options);

        var result = await engine.RunAsync(new CheckSpec(CheckTarget.Of("tcp", "app.test", peer.Port)));

        Assert.Equal(CheckStatus.L4Ok, result.Status);
    }

    [Fact]
    public void A_name_that_does_not_resolve_is_its_own_result_and_the_rest_still_run()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var options = new CheckEngineOptions
        {
            Resolve = (_, _) => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound)),
        };
        using var engine = new CheckEngine(options);
        var specs = new[] { new CheckSpec(CheckTarget.Of("tcp", "nosuch.test", 80)), EngineRun.Spec(peer.EndPoint) };

        var results = EngineRun.All(engine, specs, 2);

        Assert.Equal(CheckStatus.L4Connection, results[0].Status);
        Assert.StartsWith("cannot resolve host 'nosuch.test'", results[0].Info, StringComparison.Ordinal);
        Assert.Equal(0, results[0].Counters.GetsockoptCalls);
        Assert.Equal(CheckStatus.L4Ok, results[1].Status);
    }
}
