using System.Text.Json;
using HealthChecker.Cli;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Cli;

/// <summary>`healthchecker check` with --send/--expect, http(s)://, tls://, --http-status and --insecure.</summary>
public sealed class CliProtocolTests
{
    [Fact]
    public async Task Send_and_expect_run_in_the_order_typed_with_escapes()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.Answers("+PONG\r\n"u8.ToArray()));
        string target = $"tcp://127.0.0.1:{peer.Port}";

        var (code, output, error) = await Run("check", target, "--send", "PING\\r\\n", "--expect", "+PONG", "--send", "PING\\r\\n", "--expect", "PONG");

        Assert.Equal((ExitCodes.AllPassed, ""), (code, error));
        Assert.Matches($@"^{Regex(target)} L7OK Layer7 check passed, \d+ ms$", Assert.Single(output));
    }

    [Fact]
    public async Task A_failed_expect_exits_2_naming_the_step()
    {
        using var peer = new ScriptedPeer(s => s.Send("554 no\r\n"u8.ToArray()));
        string target = $"tcp://127.0.0.1:{peer.Port}";

        var (code, output, _) = await Run("check", target, "--expect", "220");

        Assert.Equal(ExitCodes.SomeFailed, code);
        Assert.Matches($@"^{Regex(target)} L7RSP Layer7 invalid response, info: ""TCPCHK did not match content '220' at step 1"", \d+ ms$", Assert.Single(output));
    }

    [Fact]
    public async Task Http_status_range_and_json_httpCode()
    {
        using var peer = new ScriptedPeer(ScriptedPeer.AfterRequest(s => s.Send("HTTP/1.1 301 Moved\r\n\r\n"u8.ToArray())));
        string target = $"http://127.0.0.1:{peer.Port}/health";

        var (passCode, passOutput, _) = await Run("check", target, "--json");
        var (failCode, failOutput, _) = await Run("check", target, "--http-status", "200-299", "--json");

        Assert.Equal(ExitCodes.AllPassed, passCode);
        Assert.Equal(ExitCodes.SomeFailed, failCode);
        using var passed = JsonDocument.Parse(Assert.Single(passOutput));
        using var failed = JsonDocument.Parse(Assert.Single(failOutput));
        Assert.Equal(["target", "status", "description", "info", "durationMs", "passed", "httpCode"], failed.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("L7OK", 301), (passed.RootElement.GetProperty("status").GetString(), passed.RootElement.GetProperty("httpCode").GetInt32()));
        Assert.Equal(("L7STS", "HTTP 301 Moved", 301),
            (failed.RootElement.GetProperty("status").GetString(), failed.RootElement.GetProperty("info").GetString(), failed.RootElement.GetProperty("httpCode").GetInt32()));
    }

    [Fact]
    public async Task Tls_and_https_validate_by_default_and_insecure_switches_it_off()
    {
        using var certificate = TestCertificates.Valid("localhost");
        using var tls = new ScriptedPeer(TestCertificates.TlsServer(certificate));
        using var https = new ScriptedPeer(TestCertificates.TlsServer(certificate, TestCertificates.HttpAnswer("HTTP/1.1 200 OK\r\n\r\n")));
        string tlsTarget = $"tls://127.0.0.1:{tls.Port}";
        string httpsTarget = $"https://127.0.0.1:{https.Port}/";

        // A generous timeout: the verdict is about the certificate, and a loaded machine may be slow to handshake.
        var (strictCode, strict, _) = await Run("check", tlsTarget, "--timeout", "20s");
        var (insecureCode, insecure, _) = await Run("check", tlsTarget, httpsTarget, "--insecure", "--timeout", "20s");

        Assert.Equal(ExitCodes.SomeFailed, strictCode);
        Assert.Matches($@"^{Regex(tlsTarget)} L6RSP Layer6 invalid response, info: ""TLS handshake failed: ", Assert.Single(strict));
        Assert.Equal(ExitCodes.AllPassed, insecureCode);
        Assert.Matches($@"^{Regex(tlsTarget)} L6OK Layer6 check passed, info: ""certificate 'CN=localhost' expires in 30 days"", \d+ ms$", insecure[0]);
        Assert.Matches($@"^{Regex(httpsTarget)} L7OK Layer7 check passed, info: ""HTTP 200 OK"", \d+ ms$", insecure[1]);
    }

    [Theory]
    [InlineData("--http-status", "abc", "http.status")]
    [InlineData("--expect", "\\q", "steps[1].expect")]
    public async Task Bad_protocol_options_exit_3_naming_the_field(string option, string value, string named)
    {
        string target = option == "--http-status" ? "http://127.0.0.1:1/" : "tcp://127.0.0.1:1";

        var (code, output, error) = await Run("check", target, option, value);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(output);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string[] Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await CliApp.RunAsync(args, output, error).WaitAsync(EngineRun.TestTimeout);
        return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), error.ToString());
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
