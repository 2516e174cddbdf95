using System.Net;
using System.Security.Cryptography.X509Certificates;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Polling;
using HealthChecker.Core.Targets;
using HealthChecker.Core.Transport;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Support.ProtocolRun;

namespace HealthChecker.Tests.Checks;

/// <summary>TLS, HTTPS and send/expect over TLS against loopback TLS servers with certificates made here.</summary>
public sealed class TlsCheckTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(500);

    private static CheckSpec Tls(IPEndPoint endPoint, X509Certificate2? trusted, TlsOptions? options = null,
        HttpOptions? http = null, IReadOnlyList<CheckStep>? steps = null, TimeSpan? timeout = null, string scheme = "tls") =>
        Spec(endPoint, new CheckProtocol(steps ?? [], http, options ?? new TlsOptions(ServerName: "localhost"))
        {
            TrustedRoots = trusted is null ? null : [trusted],
        }, scheme, timeout);

    [Theory]
    [InlineData(PollerKind.Epoll)]
    [InlineData(PollerKind.Poll)]
    public void A_valid_certificate_is_L6OK_with_subject_and_days_to_expiry(PollerKind kind)
    {
        using var certificate = TestCertificates.Valid(days: 30);
        using var peer = new ScriptedPeer(TestCertificates.TlsServer(certificate));

        var results = Many(Tls(peer.EndPoint, certificate), 20, kind);

        Assert.All(results, r => Assert.Equal((CheckStatus.L6Ok, "certificate 'CN=localhost' expires in 30 days"), (r.Status, r.Info)));
        Assert.All(results, r => Assert.Equal("Layer6 check passed", r.Description));
        Assert.Equal(0, TransportStream.OffLoopCalls);
    }

    [Fact]
    public void An_expired_certificate_is_L6RSP_naming_the_date()
    {
        using var certificate = TestCertificates.Expired();
        using var peer = new ScriptedPeer(TestCertificates.TlsServer(certificate));

        var result = One(Tls(peer.EndPoint, certificate));

        Assert.Equal(CheckStatus.L6Response, result.Status);
        Assert.Equal($"TLS handshake failed: certificate 'CN=localhost' expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}", result.Info);
    }

    [Fact]
    public void A_wrong_name_is_L6RSP_naming_both()
    {
        using var certificate = TestCertificates.Valid("localhost");
        using var peer = new ScriptedPeer(TestCertificates.TlsServer(certificate));

        var result = One(Tls(peer.EndPoint, certificate, new TlsOptions(ServerName: "db.example")));

        Assert.Equal((CheckStatus.L6Response, "TLS handshake failed: certificate 'CN=localhost' does not match 'db.example'"), (result.Status, result.Info));
    }

    [Fact]
    public void An_untrusted_certificate_fails_by_default_and_passes_with_verification_off()
    {
        using var certificate = TestCertificates.Valid();
        using var peer = new ScriptedPeer(TestCertificates.TlsServer(certificate));

        var verified = One(Tls(peer.EndPoint, trusted: null));
        var insecure = One(Tls(peer.EndPoint, trusted: null, new TlsOptions(Verify: false, ServerName: "localhost")));

        Assert.Equal(CheckStatus.L6Response, verified.Status);
        Assert.StartsWith("TLS handshake failed: certificate 'CN=localhost' not trusted: ", verified.Info, StringComparison.Ordinal);
        Assert.Equal((CheckStatus.L6Ok, "certificate 'CN=localhost' expires in 30 days"), (insecure.Status, insecure.Info));
    }

    [Fact]
    public void A_certificate_expiring_within_the_minimum_is_L6RSP()
    {
        using var certificate = TestCertificates.Valid(days: 30);
        using var peer = new ScriptedPeer(TestCertificates.TlsServer(certificate));

        var result = One(Tls(peer.EndPoint, certificate, new TlsOptions(ServerName: "localhost", MinDaysToExpiry: 60)));

        Assert.Equal((CheckStatus.L6Response, "certificate 'CN=localhost' expires in 30 days, less than 60 days"), (result.Status, result.Info));
    }

    [Fact]
    public void A_silent_plain_TCP_peer_is_L6TOUT()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Silent);

        var result = One(Tls(peer.EndPoint, null, timeout: Short));

        Assert.Equal((CheckStatus.L6Timeout, "TLS handshake did not complete"), (result.Status, result.Info));
        Assert.Equal("Layer6 timeout", result.Description);
    }

    [Fact]
    public void A_plain_TCP_banner_is_L6RSP()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Says("220 ready, no TLS here\r\n"u8.ToArray()));

        var result = One(Tls(peer.EndPoint, null, timeout: TimeSpan.FromSeconds(30)));

        Assert.Equal(CheckStatus.L6Response, result.Status);
        Assert.StartsWith("TLS handshake failed: ", result.Info, StringComparison.Ordinal);
    }

    [Fact]
    public void A_peer_that_closes_at_once_is_L6RSP_or_SOCKERR_and_one_that_resets_is_SOCKERR()
    {
        using var closes = new ScriptedPeer(ScriptedPeer.ClosesAtOnce);
        using var resets = new ScriptedPeer(ScriptedPeer.ResetsAtOnce);

        var closed = One(Tls(closes.EndPoint, null, timeout: TimeSpan.FromSeconds(30)));
        var reset = One(Tls(resets.EndPoint, null, timeout: TimeSpan.FromSeconds(30)));

        // Our ClientHello may reach the closed socket first: its RST then beats the FIN (reset, or a broken pipe on send).
        Assert.True(
            (closed.Status == CheckStatus.L6Response && closed.Info.StartsWith("TLS handshake failed: ", StringComparison.Ordinal))
            || (closed.Status == CheckStatus.SocketError && closed.Info is "Connection reset by peer" or "Broken pipe"), closed.ToString());
        Assert.Equal((CheckStatus.SocketError, "Connection reset by peer"), (reset.Status, reset.Info));
    }

    [Fact]
    public void Https_200_and_503_are_L7OK_and_L7STS()
    {
        using var certificate = TestCertificates.Valid();
        using var ok = new ScriptedPeer(TestCertificates.TlsServer(certificate, TestCertificates.HttpAnswer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")));
        using var down = new ScriptedPeer(TestCertificates.TlsServer(certificate, TestCertificates.HttpAnswer("HTTP/1.1 503 Service Unavailable\r\n\r\n")));
        var http = new HttpOptions("GET", "/", null, HttpOptions.DefaultStatus, null);

        var passed = Many(Tls(ok.EndPoint, certificate, http: http, scheme: "https"), 20);
        var failed = One(Tls(down.EndPoint, certificate, http: http, scheme: "https"));

        Assert.All(passed, r => Assert.Equal((CheckStatus.L7Ok, "HTTP 200 OK", 200), (r.Status, r.Info, r.HttpCode)));
        Assert.Equal((CheckStatus.L7Status, "HTTP 503 Service Unavailable", 503), (failed.Status, failed.Info, failed.HttpCode));
        Assert.Equal(0, TransportStream.OffLoopCalls);
    }

    [Fact]
    public void Send_expect_runs_over_TLS()
    {
        using var certificate = TestCertificates.Valid();
        using var peer = new ScriptedPeer(TestCertificates.TlsServer(certificate, tls =>
        {
            var buffer = new byte[64];
            while (tls.Read(buffer) > 0)
            {
                tls.Write("+PONG\r\n"u8);
            }
        }));

        var result = One(Tls(peer.EndPoint, certificate, steps: [Send("PING\r\n"), Expect("+PONG")]));

        Assert.Equal((CheckStatus.L7Ok, ""), (result.Status, result.Info));
    }

    [Fact]
    public void A_TLS_server_that_never_answers_the_request_is_L7TOUT_not_L6()
    {
        using var certificate = TestCertificates.Valid();
        using var peer = new ScriptedPeer(TestCertificates.TlsServer(certificate));
        var http = new HttpOptions("GET", "/", null, HttpOptions.DefaultStatus, null);

        var result = One(Tls(peer.EndPoint, certificate, http: http, scheme: "https", timeout: TimeSpan.FromSeconds(1)));

        Assert.Equal((CheckStatus.L7Timeout, "HTTP: waiting for the status line and headers"), (result.Status, result.Info));
    }

    [Fact]
    public void A_slow_handshake_is_waited_for()
    {
        using var certificate = TestCertificates.Valid();
        var handshake = TestCertificates.TlsServer(certificate);
        using var peer = new ScriptedPeer(s =>
        {
            Thread.Sleep(150);
            handshake(s);
        });

        var result = One(Tls(peer.EndPoint, certificate));

        Assert.Equal(CheckStatus.L6Ok, result.Status);
    }

    [Fact]
    public void A_plain_banner_then_close_is_L6RSP()
    {
        using var peer = new ScriptedPeer(s => s.Send("220 ready\r\n"u8.ToArray()));

        var result = One(Tls(peer.EndPoint, null, timeout: TimeSpan.FromSeconds(30)));

        Assert.Equal(CheckStatus.L6Response, result.Status);
        Assert.StartsWith("TLS handshake failed: ", result.Info, StringComparison.Ordinal);
    }
}
