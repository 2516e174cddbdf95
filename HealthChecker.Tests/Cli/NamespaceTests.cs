using System.Text.Json;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Cli;

/// <summary>The built CLI inside network namespaces the tests make: dropped SYNs, no route, no local port left.</summary>
public sealed class NamespaceTests
{
    [Theory]
    [InlineData("epoll")]
    [InlineData("poll")]
    public void A_SYN_dropped_by_nftables_is_L4TOUT(string poller)
    {
        const int DroppedPort = 5555;
        const int ClosedPort = 5556;
        NativeTool.Require("nft");
        using var ns = new NetworkNamespace();
        string rules = $$"""
            table inet healthcheck_test {
                chain input {
                    type filter hook input priority 0; policy accept;
                    tcp dport {{DroppedPort}} tcp flags & (syn | ack) == syn drop
                }
            }
            """;
        var load = ns.Run(["nft", "-f", "-"], stdin: rules);
        Assert.True(load.ExitCode == 0, $"nft refused the rules: {load.Error}");

        var (code, results) = Check(ns, $"tcp://127.0.0.1:{DroppedPort}", $"tcp://127.0.0.1:{ClosedPort}", "--timeout", "500ms", "--poller", poller);

        Assert.Equal("L4TOUT", Status(results[0]));
        Assert.Equal("Layer4 timeout", results[0].GetProperty("description").GetString());
        // The same namespace answers an unfiltered closed port with RST: only the rule drops.
        Assert.Equal("L4CON", Status(results[1]));
        Assert.Equal(2, code);
    }

    [Fact]
    public void Connect_failing_at_once_is_L4CON_with_the_errno_text()
    {
        // A fresh namespace whose lo is down has no route at all: connect() says ENETUNREACH itself.
        using var ns = new NetworkNamespace(loopbackUp: false);

        var (code, results) = Check(ns, "tcp://127.0.0.1:80");

        Assert.Equal("L4CON", Status(results[0]));
        Assert.Equal("Network is unreachable", results[0].GetProperty("info").GetString());
        Assert.Equal(2, code);
    }

    [Fact]
    public void Running_out_of_local_ports_is_SOCKERR_and_the_other_checks_complete()
    {
        const int Port = 7000;
        using var ns = new NetworkNamespace();
        ns.Check("sysctl", "-qw", "net.ipv4.ip_local_port_range=40000 40001");
        ns.StartUntilReady(NativeListener.Path, Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var (code, results) = Check(ns, Enumerable.Repeat($"tcp://127.0.0.1:{Port}", 5).ToArray());

        // Two local ports: two checks connect, the others find no port (EADDRNOTAVAIL), all in one round.
        Assert.Equal(2, results.Count(r => Status(r) == "L4OK"));
        Assert.Equal(3, results.Count(r => Status(r) == "SOCKERR"));
        Assert.All(results.Where(r => Status(r) == "SOCKERR"),
            r => Assert.Equal("Cannot assign requested address", r.GetProperty("info").GetString()));
        Assert.Equal(2, code);
    }

    private static (int Code, JsonElement[] Results) Check(NetworkNamespace ns, params string[] args)
    {
        var run = ns.Run([NativeTool.HealthChecker, "check", .. args, "--json"]);
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == args.Count(a => a.StartsWith("tcp://", StringComparison.Ordinal)),
            $"exit {run.ExitCode}; stdout: {run.Output}; stderr: {run.Error}");
        return (run.ExitCode, lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray());
    }

    private static string? Status(JsonElement result) => result.GetProperty("status").GetString();
}
