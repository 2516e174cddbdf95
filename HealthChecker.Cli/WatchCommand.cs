using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Targets;
using Serilog;

namespace HealthChecker.Cli;

/// <summary>
/// `healthchecker watch targets.yaml`: the scheduler with no database and no web. State changes as they
/// happen, a summary line every so often; SIGINT/SIGTERM stop, SIGHUP reloads the file.
/// </summary>
public static class WatchCommand
{
    public sealed record Settings(string Path, TimeSpan SummaryEvery, int Loops, int MaxInFlight, CheckEngineOptions Engine);

    public static async Task<int> RunAsync(Settings settings, TextWriter output, TextWriter error)
    {
        var initial = await LoadAsync(settings.Path, error).ConfigureAwait(false);
        if (initial is null)
        {
            return ExitCodes.BadInput;
        }

        using var log = new LoggerConfiguration()
            .WriteTo.Sink(new LineSink(output))
            .CreateLogger();
        using var scheduler = new TargetScheduler(new SchedulerOptions
        {
            Loops = settings.Loops,
            MaxInFlight = settings.MaxInFlight,
            Log = log,
            Engine = settings.Engine,
        });
        // A SIGHUP ignored when we start (nohup does that) stays ignored: the runtime honours it. Say so,
        // rather than promise reloads that a kill -HUP cannot ask for.
        var hangupIgnored = SignalIgnoredAtStart(1);
        using var stop = new CancellationTokenSource();
        var reloads = Channel.CreateUnbounded<bool>();
        // Cancel = true keeps the runtime from ending the process: we stop the loops ourselves.
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; reloads.Writer.TryWrite(true); });

        await scheduler.ReplaceAllAsync(initial).ConfigureAwait(false);
        var reloadHint = hangupIgnored
            ? "SIGHUP is ignored (inherited, as under nohup): no reloads; start without nohup (setsid, systemd) to reload"
            : "SIGHUP reloads";
        await Say(output, $"watching {initial.Count} targets from {settings.Path} on {scheduler.LoopCount} loops; {reloadHint}, SIGINT stops").ConfigureAwait(false);

        var summary = new Summary(scheduler, scheduler.Clock);
        var reload = reloads.Reader.ReadAsync(stop.Token).AsTask();
        while (!stop.IsCancellationRequested)
        {
            var tick = Task.Delay(settings.SummaryEvery, stop.Token);
            var woke = await Task.WhenAny(reload, tick).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                break;
            }
            if (woke == reload)
            {
                await ReloadAsync(settings.Path, scheduler, output, error).ConfigureAwait(false);
                reload = reloads.Reader.ReadAsync(stop.Token).AsTask();
            }
            else
            {
                await Say(output, summary.Line()).ConfigureAwait(false);
            }
        }
        await Say(output, $"stopping: {summary.Line()}").ConfigureAwait(false);
        return ExitCodes.AllPassed;
    }

    /// <summary>Whether <paramref name="signal"/> was set to be ignored when the process started (Linux: /proc/self/status).</summary>
    private static bool SignalIgnoredAtStart(int signal)
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            return line is not null
                && ulong.TryParse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask)
                && (mask & (1UL << (signal - 1))) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task ReloadAsync(string path, TargetScheduler scheduler, TextWriter output, TextWriter error)
    {
        var targets = await LoadAsync(path, error).ConfigureAwait(false);
        if (targets is null)
        {
            await error.WriteLineAsync($"healthchecker: {path} not reloaded: keeping the {scheduler.Count} targets already watched").ConfigureAwait(false);
            await error.FlushAsync().ConfigureAwait(false);
            return;
        }
        var done = await scheduler.ReplaceAllAsync(targets).ConfigureAwait(false);
        await Say(output, $"reloaded {path}: {done}").ConfigureAwait(false);
    }

    /// <summary>The file's targets, or null after printing every error with its line.</summary>
    private static async Task<IReadOnlyList<TargetDefinition>?> LoadAsync(string path, TextWriter error)
    {
        TargetsFile.Result parsed;
        try
        {
            // Read as it is parsed: the file is never held whole in memory.
            using var reader = new StreamReader(path);
            parsed = TargetsFile.Parse(reader, Rules());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"healthchecker: cannot read {path}: {e.Message}").ConfigureAwait(false);
            return null;
        }
        if (parsed.Ok)
        {
            return parsed.Targets;
        }
        foreach (var e in parsed.Errors)
        {
            await error.WriteLineAsync($"healthchecker: {path}: {e}").ConfigureAwait(false);
        }
        await error.FlushAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>The interval floor, lowered (or raised) by HC_MIN_INTERVAL as in the web app.</summary>
    private static TargetRules Rules() =>
        Environment.GetEnvironmentVariable("HC_MIN_INTERVAL") is { Length: > 0 } text && Duration.TryParse(text, out var floor)
            ? TargetRules.Default with { MinInterval = floor }
            : TargetRules.Default;

    private static Task Say(TextWriter output, string line)
    {
        // The same lock as the log lines: a summary never lands inside a state change.
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }
        return Task.CompletedTask;
    }

    /// <summary>targets, up, down, maint, checks/s since the previous line.</summary>
    private sealed class Summary(TargetScheduler scheduler, TimeProvider clock)
    {
        private long _checks;
        private long _at = clock.GetTimestamp();

        public string Line()
        {
            var counts = scheduler.Counts();
            long now = clock.GetTimestamp();
            double seconds = clock.GetElapsedTime(_at, now).TotalSeconds;
            double rate = seconds > 0 ? (counts.Checks - _checks) / seconds : 0;
            _checks = counts.Checks;
            _at = now;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"summary: {counts.Targets} targets, {counts.Up} up, {counts.Down} down, {counts.Maint} maint, {rate:0.0} checks/s");
        }
    }
}
