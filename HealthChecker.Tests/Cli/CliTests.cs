using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using HealthChecker.Cli;
using HealthChecker.Core.Engine;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Cli;

/// <summary>`healthchecker check`: output lines, JSON shape, exit codes, bad input.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task All_passed_exits_0_with_one_plain_line_a_target()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        string target = $"tcp://127.0.0.1:{peer.Port}";

        var (code, output, error) = await Run("check", target, target);

        Assert.Equal(ExitCodes.AllPassed, code);
        Assert.Equal("", error);
        Assert.Equal(2, output.Length);
        Assert.All(output, line => Assert.Matches($@"^{Regex(target)} L4OK Layer4 check passed, \d+ ms$", line));
    }

    [Fact]
    public async Task A_refused_target_exits_2_with_the_errno_text_in_its_line()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        string passing = $"tcp://127.0.0.1:{peer.Port}";
        string refused = $"tcp://127.0.0.1:{LoopbackPeer.ClosedPort().Port}";

        var (code, output, _) = await Run("check", refused, passing);

        Assert.Equal(ExitCodes.SomeFailed, code);
        Assert.Matches($@"^{Regex(refused)} L4CON Layer4 connection problem, info: ""Connection refused"", \d+ ms$", output[0]);
        Assert.Matches($@"^{Regex(passing)} L4OK Layer4 check passed, \d+ ms$", output[1]);
    }

    [Fact]
    public async Task Json_prints_one_object_a_line_with_target_status_description_info_durationMs_passed()
    {
        string refused = $"tcp://127.0.0.1:{LoopbackPeer.ClosedPort().Port}";

        var (code, output, _) = await Run("check", refused, "--json");

        Assert.Equal(ExitCodes.SomeFailed, code);
        var line = Assert.Single(output);
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal(["target", "status", "description", "info", "durationMs", "passed"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(refused, root.GetProperty("target").GetString());
        Assert.Equal("L4CON", root.GetProperty("status").GetString());
        Assert.Equal("Layer4 connection problem", root.GetProperty("description").GetString());
        Assert.Equal("Connection refused", root.GetProperty("info").GetString());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("durationMs").ValueKind);
        Assert.Equal(JsonValueKind.False, root.GetProperty("passed").ValueKind);
    }

    [Fact]
    public async Task A_timeout_reports_L4TOUT_with_empty_info()
    {
        using var queue = new FullAcceptQueue();
        string target = $"tcp://127.0.0.1:{queue.EndPoint.Port}";

        var (code, output, _) = await Run("check", target, "--timeout", "300ms", "--json");

        Assert.Equal(ExitCodes.SomeFailed, code);
        using var json = JsonDocument.Parse(Assert.Single(output));
        Assert.Equal("L4TOUT", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("Layer4 timeout", json.RootElement.GetProperty("description").GetString());
        Assert.Equal("", json.RootElement.GetProperty("info").GetString());
    }

    [Theory]
    [InlineData("epoll")]
    [InlineData("poll")]
    public async Task IPv6_targets_in_brackets_are_checked_on_either_poller(string poller)
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept, IPAddress.IPv6Loopback);
        string target = $"tcp://[::1]:{peer.Port}";

        var (code, output, _) = await Run("check", target, "--poller", poller);

        Assert.Equal(ExitCodes.AllPassed, code);
        Assert.Matches($@"^{Regex(target)} L4OK Layer4 check passed, \d+ ms$", Assert.Single(output));
    }

    [Fact]
    public async Task A_host_name_that_does_not_resolve_fails_its_own_line_clearly()
    {
        var options = new CheckEngineOptions
        {
            Resolve = (_, _) => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound)),
        };

        var (code, output, _) = await Run(options, "check", "tcp://nosuch.test:80");

        Assert.Equal(ExitCodes.SomeFailed, code);
        Assert.StartsWith("tcp://nosuch.test:80 L4CON Layer4 connection problem, info: \"cannot resolve host 'nosuch.test'", Assert.Single(output), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:70000", "70000")]
    [InlineData("tcp://127.0.0.1:0", "tcp://127.0.0.1:0")]
    [InlineData("ftp://127.0.0.1:21", "ftp")]
    [InlineData("127.0.0.1:80", "127.0.0.1:80")]
    [InlineData("tcp://127.0.0.1", "tcp://127.0.0.1")]
    [InlineData("tcp://127.0.0.1:http", "http")]
    [InlineData("tcp://::1:80", "tcp://::1:80")]
    [InlineData("tcp://[::1:80", "tcp://[::1:80")]
    [InlineData("tcp://:80", "tcp://:80")]
    public async Task A_bad_target_exits_3_with_one_line_naming_it(string target, string named)
    {
        var (code, output, error) = await Run("check", "tcp://127.0.0.1:1", target);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(output);
        Assert.DoesNotContain('\n', error.TrimEnd('\n'));
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0s")]
    [InlineData("-1s")]
    [InlineData("250")]
    public async Task A_bad_timeout_exits_3_naming_it(string timeout)
    {
        var (code, output, error) = await Run("check", "tcp://127.0.0.1:1", "--timeout", timeout);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(output);
        Assert.Contains("--timeout", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_target_exits_3()
    {
        var (code, output, error) = await Run("check");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(output);
        Assert.StartsWith("healthchecker: ", error, StringComparison.Ordinal);
    }

    private static Task<(int Code, string[] Output, string Error)> Run(params string[] args) => Run(null, args);

    private static async Task<(int Code, string[] Output, string Error)> Run(CheckEngineOptions? options, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await CliApp.RunAsync(args, output, error, options).WaitAsync(EngineRun.TestTimeout);
        return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), error.ToString());
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
