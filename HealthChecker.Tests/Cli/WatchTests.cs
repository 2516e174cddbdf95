using HealthChecker.Cli;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Cli;

/// <summary>`healthchecker watch`: bad files, state changes of a loopback peer, SIGHUP reloads, clean stops.</summary>
public sealed class WatchTests : IDisposable
{
    private readonly string _folder = TempFolder.Create("watch");

    public void Dispose() => TempFolder.Delete(_folder);

    [Fact]
    public async Task A_bad_file_at_start_prints_every_error_with_its_line_and_exits_3()
    {
        string file = Write("""
            targets:
              - name: ok/one
                check: tcp://127.0.0.1:1
              - name: bad/port
                check: tcp://127.0.0.1:99999
              - name: bad/timing
                check: tcp://127.0.0.1:2
                inter: soon
            """);
        var output = new StringWriter();
        var error = new StringWriter();

        int code = await CliApp.RunAsync(["watch", file], output, error);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", output.ToString());
        string[] errors = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errors.Length);
        Assert.StartsWith($"healthchecker: {file}: line 5: ", errors[0]);
        Assert.StartsWith($"healthchecker: {file}: line 8: ", errors[1]);
    }

    [Fact]
    public async Task A_missing_file_exits_3()
    {
        var error = new StringWriter();

        int code = await CliApp.RunAsync(["watch", Path.Combine(_folder, "none.yaml")], new StringWriter(), error);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("healthchecker: cannot read ", error.ToString());
    }

    [Fact]
    public void A_listener_that_stops_shows_as_a_state_change_and_SIGTERM_stops_cleanly()
    {
        var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        string file = Write($"""
            defaults:
              inter: 200ms
              rise: 1
              fall: 1
            targets:
              - name: web/app1
                check: tcp://127.0.0.1:{peer.Port}
            """);
        using var watch = new WatchProcess(file, "--loops", "1");
        watch.WaitForOutput(l => l.StartsWith("watching 1 targets", StringComparison.Ordinal));

        peer.Dispose();

        string line = watch.WaitForOutput(l => l.Contains("is DOWN", StringComparison.Ordinal));
        Assert.Matches(@"^\d\d:\d\d:\d\d Target web/app1 is DOWN, reason: Layer4 connection problem, info: ""Connection refused"", check duration: \d+ms\.$", line);
        watch.Signal(WatchProcess.SigTerm);
        Assert.Equal(0, watch.WaitForExit());
        Assert.StartsWith("stopping: summary: 1 targets, 0 up, 1 down, 0 maint", watch.Output[^1]);
    }

    [Fact]
    public void Started_with_SIGHUP_ignored_it_says_reloads_are_off_instead_of_promising_them()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        string file = Write($"""
            targets:
              - name: web/app1
                check: tcp://127.0.0.1:{peer.Port}
            """);
        // As nohup starts it: SIGHUP set to be ignored before exec.
        var info = new System.Diagnostics.ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-c", "trap '' HUP; exec \"$0\" watch \"$1\" --loops 1", NativeTool.HealthChecker, file })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        try
        {
            // State changes may come first; the start line comes within the first few.
            string? line = null;
            for (var i = 0; i < 10 && line?.StartsWith("watching", StringComparison.Ordinal) != true; i++)
            {
                line = process.StandardOutput.ReadLine();
            }

            Assert.StartsWith("watching 1 targets", line);
            Assert.Contains("SIGHUP is ignored (inherited, as under nohup): no reloads", line, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    [Fact]
    public void SIGHUP_with_a_bad_file_keeps_the_old_targets_and_a_good_one_replaces_them()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        string good = $"""
            targets:
              - name: web/app1
                check: tcp://127.0.0.1:{peer.Port}
            """;
        string file = Write(good);
        using var watch = new WatchProcess(file, "--loops", "1", "--summary-every", "1h");
        // Run under nohup, the process inherits SIGHUP ignored and says so here: this test cannot run then.
        Assert.Contains("SIGHUP reloads", watch.WaitForOutput(l => l.StartsWith("watching 1 targets", StringComparison.Ordinal)), StringComparison.Ordinal);

        File.WriteAllText(file, good + "\n    rise: many\n");
        watch.Signal(WatchProcess.SigHup);
        watch.WaitForError(l => l.Contains("not reloaded", StringComparison.Ordinal));

        Assert.Equal(
            [
                $"healthchecker: {file}: line 4: targets[1] (web/app1).rise: 'many' must be a whole number from 1 to 100",
                $"healthchecker: {file} not reloaded: keeping the 1 targets already watched",
            ],
            watch.Error);
        File.WriteAllText(file, good + $"""

              - name: web/app2
                check: tcp://127.0.0.1:{peer.Port}
            """);
        watch.Signal(WatchProcess.SigHup);
        watch.WaitForOutput(l => l.Contains("reloaded", StringComparison.Ordinal));
        Assert.Contains($"reloaded {file}: 1 added, 0 changed, 0 removed, 1 unchanged", watch.Output);
        watch.Signal(WatchProcess.SigInt);
        Assert.Equal(0, watch.WaitForExit());
        Assert.StartsWith("stopping: summary: 2 targets, 2 up, 0 down, 0 maint", watch.Output[^1]);
    }

    private string Write(string yaml)
    {
        string path = Path.Combine(_folder, "targets.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
