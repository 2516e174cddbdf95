using System.Net.Sockets;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Support.ProtocolRun;

namespace HealthChecker.Tests.Engine;

/// <summary>
/// A peer that accepts, maybe greets, and resets: once before the loop's first poll of the check,
/// once after it, both orders forced through the engine's poller. The verdict must not depend on it.
/// </summary>
public sealed class ResetOrderTests
{
    private static readonly byte[] Greeting = "220 ready\r\n"u8.ToArray();
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static TheoryData<PollerKind> Kinds => [PollerKind.Epoll, PollerKind.Poll];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_expect_on_the_greeting_is_L7OK_whether_the_reset_comes_before_or_after_the_first_poll(PollerKind kind)
    {
        var results = BothOrders(kind, Greeting, CheckProtocol.Expect(Expect("220")));

        Assert.All(results, r => Assert.Equal((CheckStatus.L7Ok, ""), (r.Status, r.Info)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_expect_that_the_greeting_does_not_match_is_L7RSP_in_both_orders(PollerKind kind)
    {
        var results = BothOrders(kind, Greeting, CheckProtocol.Expect(Expect("554")));

        Assert.All(results, r => Assert.Equal(
            (CheckStatus.L7Response, "TCPCHK did not match content '554' at step 1"), (r.Status, r.Info)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_expect_on_a_peer_that_resets_without_a_word_is_SOCKERR_in_both_orders(PollerKind kind)
    {
        var results = BothOrders(kind, [], CheckProtocol.Expect(Expect("220")));

        Assert.All(results, r => Assert.Equal((CheckStatus.SocketError, "Connection reset by peer"), (r.Status, r.Info)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_connect_only_check_is_L4OK_in_both_orders_and_never_receives(PollerKind kind)
    {
        var results = BothOrders(kind, Greeting, protocol: null);

        Assert.All(results, r => Assert.Equal((CheckStatus.L4Ok, ""), (r.Status, r.Info)));
        Assert.All(results, r => Assert.Equal(0, r.Counters.RecvCalls));
        // Reset first: SO_ERROR is read once for the Err; poll first: Out alone needs no syscall.
        Assert.Equal([1, 0], results.Select(r => r.Counters.GetsockoptCalls));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_HTTP_check_of_a_peer_that_resets_is_SOCKERR_in_both_orders(PollerKind kind)
    {
        var http = new CheckProtocol([], new HttpOptions("GET", "/", null, HttpOptions.DefaultStatus, null));

        var results = BothOrders(kind, [], http, "http");

        Assert.All(results, r => Assert.Equal((CheckStatus.SocketError, "Connection reset by peer"), (r.Status, r.Info)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_send_first_check_of_a_peer_that_resets_is_SOCKERR_in_both_orders(PollerKind kind)
    {
        var results = BothOrders(kind, [], CheckProtocol.Expect(Send("HELLO\\r\\n"), Expect("220")));

        Assert.All(results, r => Assert.Equal((CheckStatus.SocketError, "Connection reset by peer"), (r.Status, r.Info)));
    }

    private static CheckResult[] BothOrders(PollerKind kind, byte[] greeting, CheckProtocol? protocol, string scheme = "tcp") =>
        [ResetBeforeFirstPoll(kind, greeting, protocol, scheme), ResetAfterFirstPoll(kind, greeting, protocol, scheme)];

    /// <summary>The loop registers the connection, then waits (inside Register) until the peer has greeted and reset and the kernel shows it.</summary>
    private static CheckResult ResetBeforeFirstPoll(PollerKind kind, byte[] greeting, CheckProtocol? protocol, string scheme)
    {
        using var reset = new ManualResetEventSlim();
        using var peer = new ScriptedPeer(s =>
        {
            GreetAndReset(s, greeting);
            reset.Set();
        });
        var poller = new GatedPoller(kind)
        {
            BeforeFirstPoll = fd =>
            {
                Assert.True(reset.Wait(Patience), "the peer never accepted, greeted and reset");
                Sockets.WaitForAll(fd, PollFd.POLLOUT, PollFd.POLLERR);
            },
        };
        var result = Run(poller, peer, protocol, scheme);
        Assert.True((poller.FirstReport & FdEvents.Err) != 0, $"the first poll did not see the reset: {poller.FirstReport}");
        return result;
    }

    /// <summary>The peer accepts and waits until the loop has polled the check once and handled what it saw, then greets and resets.</summary>
    private static CheckResult ResetAfterFirstPoll(PollerKind kind, byte[] greeting, CheckProtocol? protocol, string scheme)
    {
        using var polled = new ManualResetEventSlim();
        using var peer = new ScriptedPeer(s =>
        {
            if (polled.Wait(Patience))
            {
                GreetAndReset(s, greeting);
            }
        });
        var poller = new GatedPoller(kind) { AfterFirstPoll = polled.Set };
        var result = Run(poller, peer, protocol, scheme);
        Assert.False((poller.FirstReport & FdEvents.Err) != 0, $"the first poll already saw the reset: {poller.FirstReport}");
        return result;
    }

    private static CheckResult Run(IPoller poller, ScriptedPeer peer, CheckProtocol? protocol, string scheme)
    {
        var spec = protocol is null
            ? EngineRun.Spec(peer.EndPoint, Patience)
            : Spec(peer.EndPoint, protocol, scheme, Patience);
        using var engine = new CheckEngine(new CheckEngineOptions(), poller);
        return EngineRun.All(engine, [spec], 1)[0];
    }

    private static void GreetAndReset(Socket s, byte[] greeting)
    {
        if (greeting.Length > 0)
        {
            s.Send(greeting);
        }
        s.LingerState = new LingerOption(true, 0);
        s.Close();
    }
}
