using HealthChecker.Core.Checks;
using HealthChecker.Core.Polling;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Support.ProtocolRun;

namespace HealthChecker.Tests.Checks;

/// <summary>Send/expect (tcp-check) against loopback peers: status, info text and the step it names.</summary>
public sealed class SendExpectCheckTests
{
    private static readonly byte[] Banner = "220 ready\r\n"u8.ToArray();
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    public static TheoryData<PollerKind> Kinds => [PollerKind.Epoll, PollerKind.Poll];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_banner_that_matches_is_L7OK(PollerKind kind)
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Says(Banner));

        var results = Many(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220"))), 20, kind);

        Assert.All(results, r => Assert.Equal((CheckStatus.L7Ok, "", true), (r.Status, r.Info, r.Passed)));
        Assert.All(results, r => Assert.Equal("L7OK", r.Code));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_banner_far_longer_than_the_first_read_is_matched_at_its_end(PollerKind kind)
    {
        // The peer stays: only reading on until the socket is drained finds the end (an edge-triggered poller says In once).
        var banner = Enumerable.Repeat((byte)'x', 10_000).Concat("220 ready\r\n"u8.ToArray()).ToArray();
        using var peer = new ScriptedPeer(ScriptedPeer.Says(banner));

        var results = Many(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220 ready"))), 5, kind);

        Assert.All(results, r => Assert.Equal((CheckStatus.L7Ok, true), (r.Status, r.Passed)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_banner_that_fills_the_whole_buffer_without_a_match_is_conclusive(PollerKind kind)
    {
        // Beyond the buffer's capacity nothing is read: a full buffer that does not match fails at once, not at the timeout.
        var banner = Enumerable.Repeat((byte)'x', 20_000).Concat("220 ready\r\n"u8.ToArray()).ToArray();
        using var peer = new ScriptedPeer(ScriptedPeer.Says(banner));

        var results = Many(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220")), timeout: TimeSpan.FromSeconds(30)), 3, kind);

        Assert.All(results, r => Assert.Equal((CheckStatus.L7Response, "TCPCHK did not match content '220' at step 1"), (r.Status, r.Info)));
    }

    [Fact]
    public void A_banner_that_does_not_match_names_the_content_and_the_step()
    {
        using var peer = new ScriptedPeer(s => s.Send("554 go away\r\n"u8.ToArray()));

        var result = One(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220"))));

        Assert.Equal(CheckStatus.L7Response, result.Status);
        Assert.Equal("TCPCHK did not match content '220' at step 1", result.Info);
    }

    [Fact]
    public void A_silent_peer_is_L7TOUT_at_the_expect_step()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Silent);
        var protocol = CheckProtocol.Expect(Send("HELLO\\r\\n"), Expect("220"), Send("QUIT"));

        var result = One(Spec(peer.EndPoint, protocol, timeout: Short));

        Assert.Equal(CheckStatus.L7Timeout, result.Status);
        Assert.Equal("Layer7 timeout", result.Description);
        Assert.Equal("at step 2 of 3 (expect '220')", result.Info);
        Assert.Equal(1, result.Counters.SendCalls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_peer_that_closes_at_once_is_an_empty_response_at_step_1(PollerKind kind)
    {
        using var peer = new ScriptedPeer(ScriptedPeer.ClosesAtOnce);

        var results = Many(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220"))), 20, kind);

        Assert.All(results, r => Assert.Equal((CheckStatus.L7Response, "TCPCHK got an empty response at step 1"), (r.Status, r.Info)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_peer_that_resets_at_once_is_SOCKERR_connection_reset(PollerKind kind)
    {
        using var peer = new ScriptedPeer(ScriptedPeer.ResetsAtOnce);

        var results = Many(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220"))), 20, kind);

        Assert.All(results, r => Assert.Equal((CheckStatus.SocketError, "Connection reset by peer"), (r.Status, r.Info)));
    }

    [Fact]
    public void Garbage_then_close_fails_at_once_with_did_not_match()
    {
        using var peer = new ScriptedPeer(s => s.Send("\x01\x02garbage"u8.ToArray()));

        var result = One(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220")), timeout: TimeSpan.FromSeconds(30)));

        Assert.Equal(CheckStatus.L7Response, result.Status);
        Assert.Equal("TCPCHK did not match content '220' at step 1", result.Info);
    }

    [Fact]
    public void Garbage_from_a_peer_that_stays_is_L7TOUT_waiting_for_a_match()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Says("garbage"u8.ToArray()));

        var result = One(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220")), timeout: Short));

        Assert.Equal(CheckStatus.L7Timeout, result.Status);
        Assert.Equal("at step 1 of 1 (expect '220')", result.Info);
    }

    [Fact]
    public void A_slow_banner_is_waited_for()
    {
        using var peer = new ScriptedPeer(s =>
        {
            Thread.Sleep(150);
            s.Send("22"u8.ToArray());
            Thread.Sleep(50);
            s.Send("0 ready\r\n"u8.ToArray());
            ScriptedPeer.DrainUntilClosed(s);
        });

        var result = One(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220 ready"))));

        Assert.Equal(CheckStatus.L7Ok, result.Status);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_banner_then_close_still_matches(PollerKind kind)
    {
        using var peer = new ScriptedPeer(s => s.Send(Banner));

        var results = Many(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220"))), 20, kind);

        Assert.All(results, r => Assert.Equal((CheckStatus.L7Ok, ""), (r.Status, r.Info)));
    }

    [Fact]
    public void Consecutive_expects_look_at_the_same_answer()
    {
        using var peer = new ScriptedPeer(s => s.Send(Banner));

        var pass = One(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220"), Expect("ready"))));
        var fail = One(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220"), Expect("250"))));

        Assert.Equal(CheckStatus.L7Ok, pass.Status);
        Assert.Equal((CheckStatus.L7Response, "TCPCHK did not match content '250' at step 2"), (fail.Status, fail.Info));
    }

    [Fact]
    public void Send_then_expect_in_order_passes_against_a_responder()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Answers("+PONG\r\n"u8.ToArray()));
        var protocol = CheckProtocol.Expect(Send("PING\r\n"), Expect("+PONG"), Send("PING\r\n"), ExpectRegex(@"^\+PO.G"));

        var result = One(Spec(peer.EndPoint, protocol));

        Assert.Equal((CheckStatus.L7Ok, ""), (result.Status, result.Info));
        Assert.Equal(2, result.Counters.SendCalls);
    }

    [Fact]
    public void A_regex_that_does_not_match_says_regex()
    {
        using var peer = new ScriptedPeer(s => s.Send(Banner));

        var result = One(Spec(peer.EndPoint, CheckProtocol.Expect(ExpectRegex("^250"))));

        Assert.Equal((CheckStatus.L7Response, "TCPCHK did not match regex '^250' at step 1"), (result.Status, result.Info));
    }

    [Fact]
    public void Hex_content_matches_bytes_and_says_binary_content_when_it_does_not()
    {
        using var peer = new ScriptedPeer(s => s.Send([0x01, 0x02, 0x03]));

        var pass = One(Spec(peer.EndPoint, CheckProtocol.Expect(ExpectHex("0203"))));
        var fail = One(Spec(peer.EndPoint, CheckProtocol.Expect(ExpectHex("0304"))));

        Assert.Equal(CheckStatus.L7Ok, pass.Status);
        Assert.Equal((CheckStatus.L7Response, "TCPCHK did not match binary content '0304' at step 1"), (fail.Status, fail.Info));
    }

    [Fact]
    public void A_negated_expect_fails_when_the_content_comes()
    {
        using var peer = new ScriptedPeer(s => s.Send("-ERR no\r\n"u8.ToArray()));

        var fail = One(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("-ERR", negate: true))));
        var pass = One(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("+OK", negate: true))));

        Assert.Equal((CheckStatus.L7Response, "TCPCHK matched unwanted content '-ERR' at step 1"), (fail.Status, fail.Info));
        Assert.Equal(CheckStatus.L7Ok, pass.Status);
    }

    [Fact]
    public void Nothing_listening_is_still_L4CON_refused()
    {
        var closed = LoopbackPeer.ClosedPort();

        var result = One(Spec(closed, CheckProtocol.Expect(Expect("220"))));

        Assert.Equal((CheckStatus.L4Connection, "Connection refused"), (result.Status, result.Info));
    }

    [Fact]
    public void A_listener_that_never_accepts_is_L7TOUT_not_L4()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);

        var result = One(Spec(peer.EndPoint, CheckProtocol.Expect(Expect("220")), timeout: Short));

        Assert.Equal((CheckStatus.L7Timeout, "at step 1 of 1 (expect '220')"), (result.Status, result.Info));
        Assert.Equal(0, result.Counters.RecvCalls);
    }


}
