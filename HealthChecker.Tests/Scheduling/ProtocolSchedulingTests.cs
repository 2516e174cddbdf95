using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Scheduling;

/// <summary>
/// Scheduled targets run their own protocol (send/expect, HTTP, HTTPS, TLS) against loopback peers, at
/// the address the scheduler resolved, with the host name kept for the TLS name check and the Host header.
/// </summary>
public sealed class ProtocolSchedulingTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    private const string Unavailable = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    [Fact]
    public async Task A_send_expect_target_reads_the_banner_L7OK()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Says("220 mail ready\r\n"u8.ToArray()));
        using var run = new SchedulerHarness();

        await run.Scheduler.AddAsync(SchedulerHarness.Validated(new TargetDraft
        {
            Name = "mail/banner",
            Check = $"tcp://127.0.0.1:{peer.Port}",
            Steps = [new StepDraft("expect", "220")],
        }));
        var result = await run.NextResultAsync();

        Assert.Equal(("mail/banner", "L7OK", ""), (result.Target, result.Result.Code, result.Result.Info));
    }

    [Fact]
    public async Task A_send_expect_target_still_waiting_for_a_match_is_L7TOUT_naming_the_step()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Answers("-ERR unknown\r\n"u8.ToArray()));
        using var run = new SchedulerHarness();

        await run.Scheduler.AddAsync(SchedulerHarness.Validated(new TargetDraft
        {
            Name = "cache/ping",
            Check = $"tcp://127.0.0.1:{peer.Port}",
            Steps = [new StepDraft("send", "PING\\r\\n"), new StepDraft("expect-regex", "^\\+PONG")],
            Timeout = "1s",
        }));
        var result = await run.NextResultAsync();

        Assert.Equal("L7TOUT", result.Result.Code);
        Assert.Equal("at step 2 of 2 (expect regex '^\\+PONG')", result.Result.Info);
    }

    [Fact]
    public async Task An_HTTP_target_with_200_is_L7OK_and_sends_the_host_name_it_was_given()
    {
        var requests = new ConcurrentQueue<string>();
        using var peer = new ScriptedPeer(Http(Ok, requests));
        var asked = new ConcurrentQueue<string>();
        using var run = new SchedulerHarness(resolve: LocalhostOnly(asked));

        await run.Scheduler.AddAsync(SchedulerHarness.Validated(new TargetDraft
        {
            Name = "web/app",
            Check = $"http://localhost:{peer.Port}/health",
        }));
        var result = await run.NextResultAsync();

        Assert.Equal(("L7OK", "HTTP 200 OK", 200), (result.Result.Code, result.Result.Info, result.Result.HttpCode));
        Assert.Equal(["localhost"], asked);
        string request = Assert.Single(requests);
        Assert.StartsWith("GET /health HTTP/1.1\r\n", request, StringComparison.Ordinal);
        Assert.Contains($"\r\nHost: localhost:{peer.Port}\r\n", request, StringComparison.Ordinal);
        Assert.Equal($"http://localhost:{peer.Port}", result.Result.Target.ToString());
    }

    [Fact]
    public async Task An_HTTP_target_with_its_own_Host_header_sends_that_one()
    {
        var requests = new ConcurrentQueue<string>();
        using var peer = new ScriptedPeer(Http(Ok, requests));
        using var run = new SchedulerHarness();

        await run.Scheduler.AddAsync(SchedulerHarness.Validated(new TargetDraft
        {
            Name = "web/vhost",
            Check = $"http://127.0.0.1:{peer.Port}/",
            HttpHost = "shop.example",
        }));
        var result = await run.NextResultAsync();

        Assert.Equal("L7OK", result.Result.Code);
        Assert.Contains("\r\nHost: shop.example\r\n", Assert.Single(requests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_HTTP_target_with_503_is_L7STS_with_code_and_reason_and_goes_down()
    {
        using var peer = new ScriptedPeer(Http(Unavailable, new ConcurrentQueue<string>()));
        using var run = new SchedulerHarness();

        await run.Scheduler.AddAsync(SchedulerHarness.Validated(new TargetDraft
        {
            Name = "web/down",
            Check = $"http://127.0.0.1:{peer.Port}/",
            Fall = "1",
        }));
        var result = await run.NextResultAsync();

        Assert.Equal(("L7STS", "HTTP 503 Service Unavailable", 503), (result.Result.Code, result.Result.Info, result.Result.HttpCode));
        Assert.Equal("DOWN", result.Display);
        var change = Assert.Single(run.Changes());
        Assert.Equal("Layer7 wrong status", change.Reason);
    }

    [Fact]
    public async Task An_HTTPS_target_checks_the_certificate_against_the_host_name_while_connecting_to_its_address()
    {
        using var certificate = TestCertificates.Valid("localhost");
        var requests = new ConcurrentQueue<string>();
        using var peer = new ScriptedPeer(TestCertificates.TlsServer(certificate, TestCertificates.HttpAnswer(Ok)));
        var asked = new ConcurrentQueue<string>();
        using var run = new SchedulerHarness(trustedRoots: [certificate], resolve: LocalhostOnly(asked));

        await run.Scheduler.AddRangeAsync(
        [
            (SchedulerHarness.Validated(new TargetDraft { Name = "tls/by-name", Check = $"https://localhost:{peer.Port}/" }), null),
            (SchedulerHarness.Validated(new TargetDraft { Name = "tls/by-address", Check = $"https://127.0.0.1:{peer.Port}/", Inter = "2s" }), null),
        ]);
        await run.AdvanceAsync(TimeSpan.FromSeconds(2));
        var results = new[] { await run.NextResultAsync(), await run.NextResultAsync() };

        var byName = results.Single(r => r.Target == "tls/by-name").Result;
        var byAddress = results.Single(r => r.Target == "tls/by-address").Result;
        Assert.Equal(("L7OK", "HTTP 200 OK"), (byName.Code, byName.Info));
        Assert.Equal(["localhost"], asked);
        // The same server at its address: the certificate names localhost, not 127.0.0.1.
        Assert.Equal("L6RSP", byAddress.Code);
        Assert.Equal("TLS handshake failed: certificate 'CN=localhost' does not match '127.0.0.1'", byAddress.Info);
    }

    [Fact]
    public async Task A_TLS_target_is_L6OK_with_the_certificate_and_a_server_name_of_its_own_overrides_the_host()
    {
        using var certificate = TestCertificates.Valid("localhost", days: 30);
        using var peer = new ScriptedPeer(TestCertificates.TlsServer(certificate));
        using var run = new SchedulerHarness(trustedRoots: [certificate]);

        await run.Scheduler.AddAsync(SchedulerHarness.Validated(new TargetDraft
        {
            Name = "tls/sni",
            Check = $"tls://127.0.0.1:{peer.Port}",
            TlsServerName = "localhost",
        }));
        var result = await run.NextResultAsync();

        Assert.Equal(("L6OK", "certificate 'CN=localhost' expires in 30 days"), (result.Result.Code, result.Result.Info));
    }

    [Fact]
    public async Task A_peer_that_accepts_and_stays_silent_is_L7TOUT_naming_the_step_not_L4TOUT()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Silent);
        using var run = new SchedulerHarness();

        await run.Scheduler.AddAsync(SchedulerHarness.Validated(new TargetDraft
        {
            Name = "mail/silent",
            Check = $"tcp://127.0.0.1:{peer.Port}",
            Steps = [new StepDraft("expect", "220")],
            Inter = "10s",
            ConnectTimeout = "300ms",
            Timeout = "1s",
        }));
        var result = await run.NextResultAsync();

        Assert.Equal(("L7TOUT", "at step 1 of 1 (expect '220')"), (result.Result.Code, result.Result.Info));
    }

    [Fact]
    public async Task A_TLS_peer_that_never_answers_the_handshake_is_L6TOUT()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Silent);
        using var run = new SchedulerHarness();

        await run.Scheduler.AddAsync(SchedulerHarness.Validated(new TargetDraft
        {
            Name = "tls/silent",
            Check = $"tls://127.0.0.1:{peer.Port}",
            Inter = "10s",
            ConnectTimeout = "300ms",
            Timeout = "1s",
        }));
        var result = await run.NextResultAsync();

        Assert.Equal(("L6TOUT", "TLS handshake did not complete"), (result.Result.Code, result.Result.Info));
    }

    [Fact]
    public async Task Once_connected_the_check_timeout_bounds_the_protocol_not_the_shorter_connect_timeout()
    {
        // The banner comes well after the connect timeout and well within the check timeout.
        using var peer = new ScriptedPeer(s =>
        {
            Thread.Sleep(1000);
            ScriptedPeer.Says("220 ready\r\n"u8.ToArray())(s);
        });
        using var run = new SchedulerHarness();

        await run.Scheduler.AddAsync(SchedulerHarness.Validated(new TargetDraft
        {
            Name = "mail/slow-banner",
            Check = $"tcp://127.0.0.1:{peer.Port}",
            Steps = [new StepDraft("expect", "220")],
            Inter = "10s",
            ConnectTimeout = "300ms",
            Timeout = "8s",
        }));
        var result = await run.NextResultAsync();

        Assert.Equal(("L7OK", ""), (result.Result.Code, result.Result.Info));
    }

    [Fact]
    public async Task A_peer_that_never_accepts_is_L4TOUT_for_a_protocol_target()
    {
        using var dropsSyn = new FullAcceptQueue();
        using var run = new SchedulerHarness();

        await run.Scheduler.AddRangeAsync(
        [
            (SchedulerHarness.Validated(new TargetDraft
            {
                Name = "mail/unreachable",
                Check = $"tcp://127.0.0.1:{dropsSyn.EndPoint.Port}",
                Steps = [new StepDraft("expect", "220")],
                Inter = "10s",
                ConnectTimeout = "300ms",
                Timeout = "8s",
            }), null),
            (SchedulerHarness.Validated(new TargetDraft
            {
                Name = "web/unreachable",
                Check = $"https://127.0.0.1:{dropsSyn.EndPoint.Port}/",
                Inter = "10s",
                ConnectTimeout = "300ms",
                Timeout = "8s",
            }), null),
        ]);
        await run.AdvanceAsync(TimeSpan.FromSeconds(5));
        var results = new[] { await run.NextResultAsync(), await run.NextResultAsync() };

        Assert.All(results, r => Assert.Equal(("L4TOUT", "", "Layer4 timeout"), (r.Result.Code, r.Result.Info, r.Result.Description)));
    }

    [Fact]
    public void The_spec_connects_to_the_resolved_address_and_keeps_the_host_name_and_both_timeouts()
    {
        var definition = SchedulerHarness.Validated(new TargetDraft
        {
            Name = "web/app",
            Check = "https://app.internal:8443/ready",
            Inter = "5s",
            Timeout = "3s",
            ConnectTimeout = "1s",
        });

        var spec = CheckMapping.ToSpec(definition, new IPEndPoint(IPAddress.Parse("10.0.0.7"), 8443));

        Assert.Equal(("https", "app.internal", 8443, IPAddress.Parse("10.0.0.7")), (spec.Target.Scheme, spec.Target.Host, spec.Target.Port, spec.Target.Address));
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)), (spec.Timeout, spec.CheckTimeout));
        Assert.NotNull(spec.Protocol?.Http);
        Assert.NotNull(spec.Protocol?.Tls);
        Assert.Equal("/ready", spec.Protocol!.Http!.Path);
    }

    [Theory]
    [InlineData(null, "2s", 2000)]
    [InlineData("500ms", "2s", 500)]
    [InlineData(null, "700ms", 700)]
    public void The_connect_timeout_is_the_connect_timeout_or_the_timeout_and_at_most_inter(string? connect, string timeout, int expectedMs)
    {
        var definition = SchedulerHarness.Validated(new TargetDraft
        {
            Name = "a/b",
            Check = "tcp://127.0.0.1:1",
            Inter = "2s",
            Timeout = timeout,
            ConnectTimeout = connect,
        });

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), CheckMapping.ConnectTimeout(definition));
        Assert.Null(CheckMapping.ToSpec(definition, new IPEndPoint(IPAddress.Loopback, 1)).Protocol);
        // A definition made in code, past the validator, still connects within inter.
        Assert.Equal(TimeSpan.FromSeconds(2), CheckMapping.ConnectTimeout(definition with { ConnectTimeout = TimeSpan.FromSeconds(9) }));
    }

    /// <summary>Reads one request up to its blank line, keeps it, answers, and closes.</summary>
    private static Action<Socket> Http(string response, ConcurrentQueue<string> requests) => s =>
    {
        var seen = new List<byte>();
        var buffer = new byte[4096];
        while (!(seen.Count >= 4 && seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n'))
        {
            int n = s.Receive(buffer);
            if (n == 0)
            {
                return;
            }
            seen.AddRange(buffer.AsSpan(0, n));
        }
        requests.Enqueue(Encoding.Latin1.GetString([.. seen]));
        s.Send(Encoding.Latin1.GetBytes(response));
        s.Shutdown(SocketShutdown.Send);
        ScriptedPeer.DrainUntilClosed(s);
    };

    /// <summary>"localhost" is 127.0.0.1 (whatever the machine's hosts file says first); nothing else resolves.</summary>
    private static Func<string, CancellationToken, Task<IPAddress[]>> LocalhostOnly(ConcurrentQueue<string> asked) => (host, _) =>
    {
        asked.Enqueue(host);
        return host == "localhost"
            ? Task.FromResult(new[] { IPAddress.Loopback })
            : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
    };
}
