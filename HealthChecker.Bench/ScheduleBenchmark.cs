using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using HealthChecker.Core.Targets;
using HealthChecker.Testing;

namespace HealthChecker.Bench;

/// <summary>
/// <c>schedule</c>: many connect-only targets on one interval against loopback peers, checked first by
/// HealthChecker's <c>TargetScheduler</c>, then by HAProxy with the same settings, each for the same
/// measured window after a warm-up. Both are measured from outside the same way (/proc); the peers run
/// in a third process. Prints a markdown table.
/// </summary>
internal static class ScheduleBenchmark
{
    public sealed record Options(int Targets, string Inter, int Seconds, int Warmup, int Listeners, int Rounds, string? Haproxy);

    private sealed record Row(
        string Checker,
        double Seconds,
        long Checks,
        double CpuSeconds,
        double UserSeconds,
        long PeakRssKb,
        long ActiveOpens,
        long Accepted,
        ScheduleRun.Report? Ours,
        string Load,
        string? Missing = null);

    /// <summary>Readings taken at the start and at the end of the measured window.</summary>
    private readonly record struct Reading(long Timestamp, (double User, double System) Cpu, long ActiveOpens, long Accepted, string Load);

    public static async Task<int> RunAsync(Options options)
    {
        if (!Duration.TryParse(options.Inter, out var inter) || inter <= TimeSpan.Zero)
        {
            Console.Error.WriteLine($"--inter '{options.Inter}' is not a duration such as 1s or 500ms");
            return 3;
        }

        FileLimit.Raise();
        string? haproxy = FindHaproxy(options.Haproxy);
        if (haproxy is null)
        {
            Console.Error.WriteLine("HAProxy is not installed (apt-get install -y haproxy, or pass --haproxy PATH): its row will say so.");
        }

        using var peers = PeerProcess.Start(options.Listeners);
        var rows = new List<Row>();
        for (int round = 1; round <= options.Rounds; round++)
        {
            // Rounds alternate which checker goes first, so that a drift in machine load hits each alike.
            string suffix = options.Rounds > 1 ? $" (round {round})" : "";
            async Task<Row> Ours() => await RunOursAsync(options, peers, "HealthChecker" + suffix).ConfigureAwait(false);
            async Task<Row> Theirs() => haproxy is null
                ? new Row("HAProxy" + suffix, 0, 0, 0, 0, 0, 0, 0, null, ProcFacts.LoadAverage(), "not installed")
                : await RunHaproxyAsync(options, haproxy, peers, "HAProxy" + suffix).ConfigureAwait(false);
            rows.Add(round % 2 == 1 ? await Ours().ConfigureAwait(false) : await Theirs().ConfigureAwait(false));
            rows.Add(round % 2 == 1 ? await Theirs().ConfigureAwait(false) : await Ours().ConfigureAwait(false));
        }

        Console.WriteLine(Table(rows, options, inter, haproxy is null ? null : HaproxyVersion(haproxy)));
        return 0;
    }

    private static async Task<Row> RunOursAsync(Options options, PeerProcess peers, string name)
    {
        var inv = CultureInfo.InvariantCulture;
        using var child = Process.Start(SelfCommand(
            "schedule-run", "--targets", options.Targets.ToString(inv), "--inter", options.Inter,
            "--peers", string.Join(',', peers.EndPoints.Select(e => e.ToString()))))!;
        Expect(child, "ready");
        Console.Error.WriteLine($"HealthChecker: {options.Targets} targets added, warming up {options.Warmup} s");
        await Task.Delay(TimeSpan.FromSeconds(options.Warmup)).ConfigureAwait(false);

        child.StandardInput.WriteLine("mark");
        child.StandardInput.Flush();
        Expect(child, "marked");
        var start = Read(child.Id, peers);
        Console.Error.WriteLine($"HealthChecker: measuring {options.Seconds} s");
        await Task.Delay(TimeSpan.FromSeconds(options.Seconds)).ConfigureAwait(false);
        // The child counts first and /proc is read after its answer, at both ends: the windows line up.
        child.StandardInput.WriteLine("mark");
        child.StandardInput.Flush();
        Expect(child, "marked");
        var end = Read(child.Id, peers);
        long peak = ProcFacts.StatusKb(child.Id, "VmHWM");
        child.StandardInput.WriteLine("report");
        child.StandardInput.Flush();
        var report = JsonSerializer.Deserialize<ScheduleRun.Report>(child.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the run printed no report"))!;
        child.StandardInput.Close();
        await child.WaitForExitAsync().ConfigureAwait(false);
        return Measured(name, start, end, report.Checks, peak, report);
    }

    private static async Task<Row> RunHaproxyAsync(Options options, string haproxy, PeerProcess peers, string name)
    {
        var directory = Directory.CreateTempSubdirectory("hc-bench-haproxy-");
        try
        {
            var config = Path.Combine(directory.FullName, "haproxy.cfg");
            await File.WriteAllTextAsync(config, HaproxyConfig(options, peers.EndPoints)).ConfigureAwait(false);
            var psi = new ProcessStartInfo(haproxy, ["-db", "-f", config])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(psi)!;
            var stderr = new StringBuilder();
            process.ErrorDataReceived += (_, e) => stderr.AppendLine(e.Data);
            process.OutputDataReceived += (_, e) => stderr.AppendLine(e.Data);
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            try
            {
                Console.Error.WriteLine($"HAProxy: {options.Targets} servers, warming up {options.Warmup} s");
                await Task.Delay(TimeSpan.FromSeconds(options.Warmup)).ConfigureAwait(false);
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"HAProxy exited with {process.ExitCode}");
                }

                var start = Read(process.Id, peers);
                Console.Error.WriteLine($"HAProxy: measuring {options.Seconds} s");
                await Task.Delay(TimeSpan.FromSeconds(options.Seconds)).ConfigureAwait(false);
                var end = Read(process.Id, peers);
                long peak = ProcFacts.StatusKb(process.Id, "VmHWM");
                // HAProxy counts its checks nowhere we can read cheaply: the kernel's active opens are its checks.
                return Measured(name, start, end, end.ActiveOpens - start.ActiveOpens, peak, null);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                await process.WaitForExitAsync().ConfigureAwait(false);
                if (stderr.ToString().Trim() is { Length: > 0 } said)
                {
                    Console.Error.WriteLine($"HAProxy said: {said}");
                }
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// One backend, one <c>server</c> line per target, the settings HealthChecker's targets have by default
    /// (rise 2, fall 3, no spread; connect timeout min(timeout connect, inter), then timeout check), and as
    /// many threads as HealthChecker has loops. HAProxy refuses to start without a listener: the frontend
    /// listens on an unused loopback port and gets no traffic; only the checks run.
    /// </summary>
    public static string HaproxyConfig(Options options, IReadOnlyList<IPEndPoint> peers)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("global");
        sb.AppendLine(inv, $"    nbthread {Environment.ProcessorCount}");
        sb.AppendLine("    maxconn 4096");
        sb.AppendLine("    spread-checks 0");
        sb.AppendLine();
        sb.AppendLine("defaults");
        sb.AppendLine("    mode tcp");
        sb.AppendLine(inv, $"    timeout connect {options.Inter}");
        sb.AppendLine(inv, $"    timeout check {options.Inter}");
        sb.AppendLine("    timeout client 10s");
        sb.AppendLine("    timeout server 10s");
        sb.AppendLine(inv, $"    default-server inter {options.Inter} rise {TargetValidator.DefaultRise} fall {TargetValidator.DefaultFall}");
        sb.AppendLine();
        sb.AppendLine("frontend idle");
        sb.AppendLine(inv, $"    bind 127.0.0.1:{LoopbackPorts.Free()}");
        sb.AppendLine("    default_backend peers");
        sb.AppendLine();
        sb.AppendLine("backend peers");
        for (int i = 0; i < options.Targets; i++)
        {
            var peer = peers[i % peers.Count];
            sb.AppendLine(inv, $"    server s{i} {peer.Address}:{peer.Port} check");
        }

        return sb.ToString();
    }

    private static Row Measured(string checker, Reading start, Reading end, long checks, long peakRssKb, ScheduleRun.Report? ours) =>
        new(checker,
            Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds,
            checks,
            end.Cpu.User + end.Cpu.System - start.Cpu.User - start.Cpu.System,
            end.Cpu.User - start.Cpu.User,
            peakRssKb,
            end.ActiveOpens - start.ActiveOpens,
            end.Accepted - start.Accepted,
            ours,
            start.Load);

    private static Reading Read(int pid, PeerProcess peers) =>
        new(Stopwatch.GetTimestamp(), ProcFacts.CpuSeconds(pid), ProcFacts.TcpActiveOpens(), peers.Accepted(), ProcFacts.LoadAverage());

    private static string Table(List<Row> rows, Options options, TimeSpan inter, string? haproxyVersion)
    {
        var inv = CultureInfo.InvariantCulture;
        double scheduled = options.Targets / inter.TotalSeconds;
        string network = ProcFacts.LoopbackOnlyNamespace()
            ? "own network namespace: ActiveOpens counts these checks only."
            : "shared network namespace: ActiveOpens also counts other programs' connects.";
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"{options.Targets} connect-only targets, inter {options.Inter}, {options.Listeners} accept+close listeners; per checker {options.Warmup} s warm-up, then {options.Seconds} s measured; one checker at a time, in the order of the rows.");
        sb.AppendLine(inv, $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {haproxyVersion ?? "HAProxy not installed"}; {network}");
        sb.AppendLine();
        sb.AppendLine("| checker | checks/s achieved / scheduled | CPU % (of one core) | CPU µs/check | peak RSS MB | lateness p50 / p99 ms | GCs gen0/1/2, paused ms | ActiveOpens/s | load average at start (1/5/15 min) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in rows)
        {
            if (r.Missing is not null)
            {
                sb.AppendLine(inv, $"| {r.Checker} | {r.Missing} | | | | | | | {r.Load} |");
                continue;
            }

            string lateness = r.Ours is { } o ? $"{o.LatenessP50Ms:F2} / {o.LatenessP99Ms:F2}" : "n/a";
            // HAProxy frees its memory itself: no collector ever pauses it.
            string gc = r.Ours is { } g ? $"{g.Gen0}/{g.Gen1}/{g.Gen2}, {g.GcPauseMs:F0}" : "none";
            double cpuMicrosPerCheck = r.Checks == 0 ? double.NaN : r.CpuSeconds * 1e6 / r.Checks;
            sb.AppendLine(inv,
                $"| {r.Checker} | {r.Checks / r.Seconds:F0} / {scheduled:F0} | {r.CpuSeconds / r.Seconds * 100:F1} | {cpuMicrosPerCheck:F1} | {r.PeakRssKb / 1024.0:F0} | {lateness} | {gc} | {r.ActiveOpens / r.Seconds:F0} | {r.Load} |");
        }

        sb.AppendLine();
        foreach (var r in rows.Where(r => r.Missing is null && r.Checks > 0))
        {
            sb.Append(inv, $"- {r.Checker}: CPU µs per check {r.UserSeconds * 1e6 / r.Checks:F1} user + {(r.CpuSeconds - r.UserSeconds) * 1e6 / r.Checks:F1} system; peers accepted {r.Accepted / r.Seconds:F0}/s");
            if (r.Ours is { } ours)
            {
                sb.Append(inv, $"; {ours.Loops} loops, {ours.Checks} checks, {ours.Passed} passed, {ours.Failed} failed{FailedBy(ours)}; lateness max {ours.LatenessMaxMs:F2} ms; check duration (start to result) p50 / p99 {ours.DurationP50Ms:F2} / {ours.DurationP99Ms:F2} ms; ");
                sb.Append(inv, $"GCs gen0/1/2 {ours.Gen0}/{ours.Gen1}/{ours.Gen2}, paused {ours.GcPauseMs:F0} ms, allocated {ours.AllocatedMb:F0} MB ({ours.AllocatedMb * 1048576 / Math.Max(1, ours.Checks):F0} B per check)");
            }

            sb.AppendLine(".");
        }

        return sb.ToString();
    }

    private static string FailedBy(ScheduleRun.Report report) =>
        report.FailedBy.Count == 0
            ? ""
            : " (" + string.Join(", ", report.FailedBy.OrderByDescending(f => f.Value).Select(f => $"{f.Value} {f.Key}")) + ")";

    private static string? FindHaproxy(string? given)
    {
        if (given is not null)
        {
            return File.Exists(given) ? given : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin")
            .Split(':')
            .Append("/usr/sbin")
            .Select(d => Path.Combine(d, "haproxy"))
            .FirstOrDefault(File.Exists);
    }

    private static string HaproxyVersion(string haproxy)
    {
        var psi = new ProcessStartInfo(haproxy, ["-v"]) { RedirectStandardOutput = true };
        using var process = Process.Start(psi)!;
        var first = process.StandardOutput.ReadLine() ?? "HAProxy";
        process.WaitForExit();
        // "HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/": keep name and version.
        return string.Join(' ', first.Split(' ').Take(3));
    }

    private static void Expect(Process child, string line)
    {
        var got = child.StandardOutput.ReadLine();
        if (got != line)
        {
            throw new InvalidOperationException($"expected '{line}' from the run, got '{got}': {child.StandardError.ReadToEnd()}");
        }
    }

    internal static ProcessStartInfo SelfCommand(params string[] args) =>
        new(Path.Combine(AppContext.BaseDirectory, "HealthChecker.Bench"), args)
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
}

/// <summary>The <c>peers</c> child: its listeners, and its accept count on request.</summary>
internal sealed class PeerProcess : IDisposable
{
    private readonly Process _process;

    private PeerProcess(Process process, IReadOnlyList<IPEndPoint> endPoints)
    {
        _process = process;
        EndPoints = endPoints;
    }

    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    public static PeerProcess Start(int listeners)
    {
        var process = Process.Start(ScheduleBenchmark.SelfCommand("peers", "--listeners", listeners.ToString(CultureInfo.InvariantCulture)))!;
        var endPoints = new List<IPEndPoint>();
        while (process.StandardOutput.ReadLine() is { } line && line != "ready")
        {
            var parts = line.Split(' ');
            endPoints.Add(new IPEndPoint(IPAddress.Parse(parts[0]), int.Parse(parts[1], CultureInfo.InvariantCulture)));
        }

        return endPoints.Count == listeners
            ? new PeerProcess(process, endPoints)
            : throw new InvalidOperationException($"the peers process opened {endPoints.Count} of {listeners} listeners: {process.StandardError.ReadToEnd()}");
    }

    public long Accepted()
    {
        _process.StandardInput.WriteLine("count");
        _process.StandardInput.Flush();
        return long.Parse(_process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the peers process ended"), CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        _process.WaitForExit();
        _process.Dispose();
    }
}
