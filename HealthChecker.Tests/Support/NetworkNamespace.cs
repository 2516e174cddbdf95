using System.Diagnostics;

namespace HealthChecker.Tests.Support;

/// <summary>A network namespace the test makes itself (root only) and deletes afterwards; nothing in it reaches any real network.</summary>
public sealed class NetworkNamespace : IDisposable
{
    private readonly string _ip;
    private readonly List<Process> _processes = [];

    public NetworkNamespace(bool loopbackUp = true)
    {
        _ip = NativeTool.Require("ip");
        Name = $"hc-test-{Environment.ProcessId}-{Random.Shared.Next(1_000_000)}";
        var add = NativeTool.Run(_ip, ["netns", "add", Name]);
        Assert.True(add.ExitCode == 0, $"cannot create a network namespace (tests run as root): {add.Error}");
        if (loopbackUp)
        {
            NativeTool.Check(_ip, "-n", Name, "link", "set", "lo", "up");
        }
    }

    public string Name { get; }

    /// <summary>Runs a program inside the namespace and waits for it.</summary>
    public NativeTool.Outcome Run(IEnumerable<string> args, string? stdin = null) =>
        NativeTool.Run(_ip, ["netns", "exec", Name, .. args], stdin: stdin);

    /// <summary>Runs and asserts exit code 0.</summary>
    public void Check(params string[] args)
    {
        var outcome = Run(args);
        Assert.True(outcome.ExitCode == 0, $"{string.Join(' ', args)} in {Name} exited {outcome.ExitCode}: {outcome.Error}");
    }

    /// <summary>Starts a program in the namespace that runs until the namespace is disposed; waits for its first output line.</summary>
    public void StartUntilReady(params string[] args)
    {
        var info = new ProcessStartInfo(_ip) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in (string[])["netns", "exec", Name, .. args])
        {
            info.ArgumentList.Add(a);
        }
        var process = Process.Start(info)!;
        _processes.Add(process);
        var line = process.StandardOutput.ReadLineAsync();
        Assert.True(line.Wait(TimeSpan.FromSeconds(10)) && line.Result == "ready", $"{string.Join(' ', args)} did not get ready in {Name}");
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            // Closing its stdin is the helper's signal to exit.
            process.StandardInput.Close();
            if (!process.WaitForExit(5000))
            {
                process.Kill();
            }
            process.Dispose();
        }
        NativeTool.Run(_ip, ["netns", "del", Name]);
    }
}
