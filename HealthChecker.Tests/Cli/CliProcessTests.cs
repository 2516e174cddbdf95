using System.Text.Json;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Cli;

/// <summary>The built `healthchecker` program under conditions only a child process can have.</summary>
public sealed class CliProcessTests
{
    [Theory]
    [InlineData("epoll")]
    [InlineData("poll")]
    public void With_a_lowered_fd_limit_excess_checks_report_SOCKERR_and_the_rest_complete(string poller)
    {
        const int Targets = 200;
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        string bash = NativeTool.Require("bash");
        string targets = string.Join(' ', Enumerable.Repeat($"tcp://127.0.0.1:{peer.Port}", Targets));

        var run = NativeTool.Run(bash, ["-c", $"ulimit -n 100 && exec '{NativeTool.HealthChecker}' check {targets} --json --poller {poller}"]);

        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == Targets, $"exit {run.ExitCode}, {lines.Length} lines; stderr: {run.Error}");
        var statuses = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        int sockErr = statuses.Count(s => s.GetProperty("status").GetString() == "SOCKERR");
        int passed = statuses.Count(s => s.GetProperty("status").GetString() == "L4OK");
        Assert.True(sockErr > 0, "no check ran out of fds");
        Assert.True(passed > 0, "no check completed");
        Assert.Equal(Targets, sockErr + passed);
        Assert.All(statuses.Where(s => s.GetProperty("status").GetString() == "SOCKERR"),
            s => Assert.Equal("Too many open files", s.GetProperty("info").GetString()));
        Assert.Equal(2, run.ExitCode);
    }

    [Theory]
    [InlineData("epoll")]
    [InlineData("poll")]
    public void A_SYN_dropped_by_nftables_in_a_network_namespace_is_L4TOUT(string poller)
    {
        const int DroppedPort = 5555;
        const int ClosedPort = 5556;
        string ip = NativeTool.Require("ip");
        NativeTool.Require("nft");
        string ns = $"hc-test-{Environment.ProcessId}-{Random.Shared.Next(100000)}";
        NativeTool.Check(ip, "netns", "add", ns);
        try
        {
            NativeTool.Check(ip, "-n", ns, "link", "set", "lo", "up");
            string rules = $$"""
                table inet healthcheck_test {
                    chain input {
                        type filter hook input priority 0; policy accept;
                        tcp dport {{DroppedPort}} tcp flags & (syn | ack) == syn drop
                    }
                }
                """;
            var load = NativeTool.Run(ip, ["netns", "exec", ns, "nft", "-f", "-"], stdin: rules);
            Assert.True(load.ExitCode == 0, $"nft refused the rules: {load.Error}");

            var run = NativeTool.Run(ip,
            [
                "netns", "exec", ns, NativeTool.HealthChecker, "check",
                $"tcp://127.0.0.1:{DroppedPort}", $"tcp://127.0.0.1:{ClosedPort}", "--timeout", "500ms", "--json", "--poller", poller,
            ]);

            string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 2, $"exit {run.ExitCode}; stdout: {run.Output}; stderr: {run.Error}");
            var dropped = JsonDocument.Parse(lines[0]).RootElement;
            var closed = JsonDocument.Parse(lines[1]).RootElement;
            Assert.Equal("L4TOUT", dropped.GetProperty("status").GetString());
            Assert.Equal("Layer4 timeout", dropped.GetProperty("description").GetString());
            // The same namespace answers an unfiltered closed port with RST: only the rule drops.
            Assert.Equal("L4CON", closed.GetProperty("status").GetString());
            Assert.Equal(2, run.ExitCode);
        }
        finally
        {
            NativeTool.Run(ip, ["netns", "del", ns]);
        }
    }
}
