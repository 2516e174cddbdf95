using System.Diagnostics;

namespace HealthChecker.Core.Store;

/// <summary>Runs a PostgreSQL tool, as the <c>postgres</c> user when this process is root.</summary>
internal static class ExternalCommand
{
    public sealed record Outcome(int ExitCode, string StdOut, string StdErr)
    {
        /// <summary>The most telling line of the tool's output, for a one-line error.</summary>
        public string LastLine =>
            (StdErr + "\n" + StdOut).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .LastOrDefault() ?? $"exit code {ExitCode}";
    }

    public static async Task<Outcome> RunAsync(string? runAsUser, string program, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (runAsUser is null)
        {
            psi.FileName = program;
        }
        else
        {
            psi.FileName = "runuser";
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add(runAsUser);
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(program);
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // Tools print localized messages; keep them in English so that logs and errors read the same everywhere.
        psi.Environment["LC_ALL"] = "C";
        psi.Environment["LANG"] = "C";

        using var process = Process.Start(psi)
            ?? throw new DatabaseStartupException($"Could not start {Path.GetFileName(program)}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        return new Outcome(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    public static async Task<Outcome> RunCheckedAsync(string? runAsUser, string program, IEnumerable<string> args, string what, CancellationToken ct)
    {
        var outcome = await RunAsync(runAsUser, program, args, ct).ConfigureAwait(false);
        if (outcome.ExitCode != 0)
        {
            throw new DatabaseStartupException($"{what} failed: {outcome.LastLine}");
        }

        return outcome;
    }
}
