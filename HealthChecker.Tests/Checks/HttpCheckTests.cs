using System.Net.Sockets;
using System.Text;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Support.ProtocolRun;

namespace HealthChecker.Tests.Checks;

/// <summary>HTTP checks against loopback peers: status, info text, HTTP code, and the request sent.</summary>
public sealed class HttpCheckTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    private static CheckProtocol Http(string path = "/health", string? host = null, string? body = null, string method = "GET",
        IReadOnlyList<StatusRange>? status = null) =>
        new([], new HttpOptions(method, path, host, status ?? HttpOptions.DefaultStatus, body));

    private static Action<Socket> Responds(string response) =>
        ScriptedPeer.AfterRequest(s => s.Send(Encoding.Latin1.GetBytes(response)));

    [Fact]
    public void Status_200_is_L7OK_with_the_code_and_reason()
    {
        using var peer = new ScriptedPeer(Responds("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));

        var results = Many(Spec(peer.EndPoint, Http(), "http"), 20);

        Assert.All(results, r => Assert.Equal((CheckStatus.L7Ok, "HTTP 200 OK", 200), (r.Status, r.Info, r.HttpCode)));
    }

    [Fact]
    public void Status_503_is_L7STS_with_the_code_and_reason_phrase()
    {
        using var peer = new ScriptedPeer(Responds("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"));

        var result = One(Spec(peer.EndPoint, Http(), "http"));

        Assert.Equal((CheckStatus.L7Status, "HTTP 503 Service Unavailable", 503), (result.Status, result.Info, result.HttpCode));
        Assert.Equal("Layer7 wrong status", result.Description);
    }

    [Fact]
    public void A_redirect_passes_by_default_and_fails_an_explicit_list()
    {
        using var peer = new ScriptedPeer(Responds("HTTP/1.1 301 Moved Permanently\r\nLocation: /x\r\n\r\n"));

        var byDefault = One(Spec(peer.EndPoint, Http(), "http"));
        var listed = One(Spec(peer.EndPoint, Http(status: [new StatusRange(200, 299), new StatusRange(204, 204)]), "http"));

        Assert.Equal((CheckStatus.L7Ok, 301), (byDefault.Status, byDefault.HttpCode));
        Assert.Equal((CheckStatus.L7Status, "HTTP 301 Moved Permanently"), (listed.Status, listed.Info));
    }

    [Fact]
    public void Garbage_is_L7RSP_showing_what_came()
    {
        using var peer = new ScriptedPeer(Responds("SSH-2.0-OpenSSH_9.6\r\n"));

        var result = One(Spec(peer.EndPoint, Http(), "http"));

        Assert.Equal((CheckStatus.L7Response, "HTTP: invalid status line 'SSH-2.0-OpenSSH_9.6'"), (result.Status, result.Info));
        Assert.Null(result.HttpCode);
    }

    [Fact]
    public void A_malformed_status_line_is_L7RSP()
    {
        using var peer = new ScriptedPeer(Responds("HTTP/1.1 abc Nope\r\n\r\n"));

        var result = One(Spec(peer.EndPoint, Http(), "http"));

        Assert.Equal((CheckStatus.L7Response, "HTTP: invalid status line 'HTTP/1.1 abc Nope'"), (result.Status, result.Info));
    }

    [Fact]
    public void A_reset_mid_response_fails_at_once_with_what_was_read()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.AfterRequest(s =>
        {
            s.Send("HTTP/1.1 200 OK\r\nContent-Le"u8.ToArray());
            Thread.Sleep(50);
            s.LingerState = new LingerOption(true, 0);
        }));

        var result = One(Spec(peer.EndPoint, Http(), "http", timeout: TimeSpan.FromSeconds(30)));

        Assert.Equal((CheckStatus.L7Response, "HTTP: incomplete response: Connection reset by peer"), (result.Status, result.Info));
    }

    [Fact]
    public void A_silent_server_is_L7TOUT_waiting_for_the_status_line()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Silent);

        var result = One(Spec(peer.EndPoint, Http(), "http", timeout: Short));

        Assert.Equal((CheckStatus.L7Timeout, "HTTP: waiting for the status line and headers"), (result.Status, result.Info));
    }

    [Fact]
    public void A_server_that_closes_at_once_is_SOCKERR_or_an_empty_L7RSP()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.ClosesAtOnce);

        var results = Many(Spec(peer.EndPoint, Http(), "http"), 20);

        Assert.All(results, r => Assert.True(
            (r.Status == CheckStatus.L7Response && r.Info == "HTTP: empty response")
            || (r.Status == CheckStatus.SocketError && r.Info is "Connection reset by peer" or "Broken pipe"), r.ToString()));
    }

    [Fact]
    public void A_server_that_resets_at_once_is_SOCKERR()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.ResetsAtOnce);

        var results = Many(Spec(peer.EndPoint, Http(), "http"), 20);

        Assert.All(results, r => Assert.Equal((CheckStatus.SocketError, "Connection reset by peer"), (r.Status, r.Info)));
    }

    [Fact]
    public void A_slow_answer_in_pieces_is_waited_for()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.AfterRequest(s =>
        {
            s.Send("HTTP/1.1 20"u8.ToArray());
            Thread.Sleep(100);
            s.Send("4 No Content\r\n\r\n"u8.ToArray());
            ScriptedPeer.DrainUntilClosed(s);
        }));

        var result = One(Spec(peer.EndPoint, Http(), "http"));

        Assert.Equal((CheckStatus.L7Ok, "HTTP 204 No Content", 204), (result.Status, result.Info, result.HttpCode));
    }

    [Fact]
    public void A_body_substring_passes_when_present_and_is_L7RSP_when_absent()
    {
        using var peer = new ScriptedPeer(Responds("HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nstatus: ready"));

        var present = One(Spec(peer.EndPoint, Http(body: "ready"), "http"));
        var absent = One(Spec(peer.EndPoint, Http(body: "healthy"), "http", timeout: TimeSpan.FromSeconds(30)));

        Assert.Equal((CheckStatus.L7Ok, "HTTP 200 OK"), (present.Status, present.Info));
        Assert.Equal((CheckStatus.L7Response, "HTTP 200 OK, body does not contain 'healthy'", 200), (absent.Status, absent.Info, absent.HttpCode));
    }

    [Fact]
    public void The_request_has_method_path_host_user_agent_and_connection_close()
    {
        string? seen = null;
        using var peer = new ScriptedPeer(s =>
        {
            var buffer = new byte[4096];
            int n = s.Receive(buffer);
            seen = Encoding.Latin1.GetString(buffer, 0, n);
            s.Send("HTTP/1.0 200 OK\r\n\r\n"u8.ToArray());
        });

        var result = One(Spec(peer.EndPoint, Http(path: "/ready?x=1", method: "HEAD"), "http"));

        Assert.Equal(CheckStatus.L7Ok, result.Status);
        Assert.Equal(
            $"HEAD /ready?x=1 HTTP/1.1\r\nHost: 127.0.0.1:{peer.Port}\r\nUser-Agent: HealthChecker/1.0\r\nAccept: */*\r\nConnection: close\r\n\r\n",
            seen);
    }

    [Fact]
    public void A_host_header_option_replaces_the_target_host()
    {
        string? seen = null;
        using var peer = new ScriptedPeer(s =>
        {
            var buffer = new byte[4096];
            int n = s.Receive(buffer);
            seen = Encoding.Latin1.GetString(buffer, 0, n);
            s.Send("HTTP/1.1 200 OK\r\n\r\n"u8.ToArray());
        });

        One(Spec(peer.EndPoint, Http(host: "app.example"), "http"));

        Assert.Contains("\r\nHost: app.example\r\n", seen, StringComparison.Ordinal);
    }

    [Fact]
    public void A_banner_then_close_is_L7RSP_invalid_status_line()
    {
        using var peer = new ScriptedPeer(s => s.Send("220 ready\r\n"u8.ToArray()));

        var result = One(Spec(peer.EndPoint, Http(), "http", timeout: TimeSpan.FromSeconds(30)));

        Assert.Equal((CheckStatus.L7Response, "HTTP: invalid status line '220 ready'"), (result.Status, result.Info));
    }
}
