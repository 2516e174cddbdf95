using System.Diagnostics;

namespace HealthChecker.Tests.Support;

/// <summary>Runs a machine tool (gcc, ip, nft, bash) and fails the test with a clear message when it is missing.</summary>
public static class NativeTool
{
    public sealed record Outcome(int ExitCode, string Output, string Error);

    public static string Require(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin"]))
        {
            string path = Path.Combine(dir, name);
            if (dir.Length > 0 && File.Exists(path))
            {
                return path;
            }
        }
        Assert.Fail($"'{name}' is not installed; this test needs it (test.sh installs it with apt-get).");
        return name;
    }

    public static Outcome Run(string file, IEnumerable<string> args, int timeoutMs = 60_000, string? stdin = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish within {timeoutMs} ms");
        }
        process.WaitForExit();
        return new Outcome(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs and asserts exit code 0, returning stdout.</summary>
    public static string Check(string file, params string[] args)
    {
        var outcome = Run(file, args);
        Assert.True(outcome.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {outcome.ExitCode}: {outcome.Error}");
        return outcome.Output;
    }

    /// <summary>The built `healthchecker` program beside the test assembly.</summary>
    public static string HealthChecker
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "healthchecker");
            Assert.True(File.Exists(path), $"the CLI was not built beside the tests at {path}");
            return path;
        }
    }
}
