using System.Diagnostics;
using HealthChecker.Testing;

namespace HealthChecker.Tests.Support;

/// <summary>The built `healthchecker watch` as a child process: its lines as they come, and signals sent to it.</summary>
internal sealed class WatchProcess : IDisposable
{
    public const int SigHup = Signals.SigHup;
    public const int SigInt = Signals.SigInt;
    public const int SigTerm = Signals.SigTerm;
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly List<string> _error = [];

    public WatchProcess(params string[] args)
    {
        var info = new ProcessStartInfo(NativeTool.HealthChecker)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("watch");
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Add(_output, e.Data);
        _process.ErrorDataReceived += (_, e) => Add(_error, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Output => Snapshot(_output);

    public IReadOnlyList<string> Error => Snapshot(_error);

    public void Signal(int signal) => Signals.Send(_process.Id, signal);

    /// <summary>Waits until a stdout line matches; fails with everything printed so far if none does in time.</summary>
    public string WaitForOutput(Func<string, bool> match) => WaitFor(_output, match, "stdout");

    public string WaitForError(Func<string, bool> match) => WaitFor(_error, match, "stderr");

    public int WaitForExit()
    {
        Assert.True(_process.WaitForExit(EngineRun.TestTimeout), $"watch did not exit; stdout: {string.Join('\n', Output)}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private string WaitFor(List<string> lines, Func<string, bool> match, string name)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < EngineRun.TestTimeout)
        {
            if (Snapshot(lines).FirstOrDefault(match) is { } line)
            {
                return line;
            }
            if (_process.HasExited && until.Elapsed > TimeSpan.FromSeconds(1))
            {
                break;
            }
            Thread.Sleep(20);
        }
        Assert.Fail($"no matching line on {name}; stdout:\n{string.Join('\n', Output)}\nstderr:\n{string.Join('\n', Error)}\nsignals of the process:\n{SignalState()}");
        return "";
    }

    // What the kernel says of the process's signals (pending, blocked, ignored, caught), for a failure message.
    private string SignalState()
    {
        try
        {
            return string.Join('\n', File.ReadLines($"/proc/{_process.Id}/status").Where(l => l.StartsWith("Sig", StringComparison.Ordinal) || l.StartsWith("ShdPnd", StringComparison.Ordinal) || l.StartsWith("State", StringComparison.Ordinal)));
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    private static void Add(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }
}
