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
}
