using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using HealthChecker.Testing;

namespace HealthChecker.Bench;

/// <summary>
/// Runs the yardstick, the engine and the .NET baseline against the same two peers (accept-and-close,
/// closed port), each round in a fresh process, and prints the medians as a markdown table.
/// </summary>
internal static partial class ConnectBenchmark
{
    private static readonly string[] Impls = ["yardstick", "engine", "baseline"];

    public static async Task<int> RunAsync(int checks, int inflight, int rounds, string? yardstickSource)
    {
        var yardstick = yardstickSource is null ? null : await BuildYardstickAsync(yardstickSource).ConfigureAwait(false);
        using var peer = StartPeer(out var openPort);
        var closedPort = LoopbackPorts.Free();

        var rows = new List<(string Peer, string Impl, ConnectRun.Report? Report)>();
        foreach (var (peerName, port) in new[] { ("accept+close", openPort), ("closed port", closedPort) })
        {
            // Rounds interleave the implementations, so that a change in machine load hits each alike.
            var reports = Impls.ToDictionary(i => i, _ => new List<ConnectRun.Report>());
            for (var round = 0; round < rounds; round++)
            {
                foreach (var impl in Impls)
                {
                    var report = impl == "yardstick"
                        ? (yardstick is null ? null : await RunYardstickAsync(yardstick, port, checks, inflight).ConfigureAwait(false))
                        : await RunChildAsync(impl, port, checks, inflight).ConfigureAwait(false);
                    if (report is not null)
                    {
                        reports[impl].Add(report);
                        Console.Error.WriteLine($"{peerName,-13} {impl,-9} round {round + 1}: {report.ChecksPerSecond,10:F0} checks/s");
                    }
                }
            }

            rows.AddRange(Impls.Select(impl => (peerName, impl, Median(reports[impl]))));
        }

        peer.StandardInput.Close();
        Console.WriteLine(Table(rows, checks, inflight, rounds));
        return 0;
    }

    private static ConnectRun.Report? Median(List<ConnectRun.Report> reports) =>
        reports.OrderBy(r => r.ChecksPerSecond).ElementAtOrDefault(reports.Count / 2);

    private static string Table(List<(string Peer, string Impl, ConnectRun.Report? Report)> rows, int checks, int inflight, int rounds)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"{checks} connect-only checks, {inflight} in flight, median of {rounds} rounds; {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        sb.AppendLine();
        sb.AppendLine("| peer | implementation | checks/s | CPU µs/check (user+sys) | user µs | sys µs | peak RSS MB | passed / failed | engine ÷ this (checks/s) |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (peer, impl, r) in rows)
        {
            if (r is null)
            {
                sb.AppendLine(inv, $"| {peer} | {impl} | n/a | | | | | | |");
                continue;
            }

            var engine = rows.First(x => x.Peer == peer && x.Impl == "engine").Report;
            var ratio = engine is null || impl == "engine" ? "" : (engine.ChecksPerSecond / r.ChecksPerSecond).ToString("F2", inv) + "×";
            var cpu = r.UserMicros + r.SystemMicros > 0
                ? (r.CpuMicrosPerCheck.ToString("F1", inv), ((double)r.UserMicros / r.Checks).ToString("F1", inv), ((double)r.SystemMicros / r.Checks).ToString("F1", inv), (r.MaxRssKb / 1024.0).ToString("F0", inv))
                : ("–", "–", "–", "–");
            sb.AppendLine(inv, $"| {peer} | {impl} | {r.ChecksPerSecond:F0} | {cpu.Item1} | {cpu.Item2} | {cpu.Item3} | {cpu.Item4} | {r.Passed} / {r.Failed} | {ratio} |");
        }

        return sb.ToString();
    }

    private static Process StartPeer(out int port)
    {
        var peer = Process.Start(SelfCommand("peer", "--threads", "2"))
            ?? throw new InvalidOperationException("could not start the peer");
        port = int.Parse(peer.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the peer printed no port"), CultureInfo.InvariantCulture);
        return peer;
    }

    private static async Task<ConnectRun.Report> RunChildAsync(string impl, int port, int checks, int inflight)
    {
        var inv = CultureInfo.InvariantCulture;
        using var child = Process.Start(SelfCommand("run", "--impl", impl, "--port", port.ToString(inv),
            "--checks", checks.ToString(inv), "--inflight", inflight.ToString(inv)))!;
        child.StandardInput.Close();
        var output = await child.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await child.WaitForExitAsync().ConfigureAwait(false);
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"{impl} run failed: {await child.StandardError.ReadToEndAsync().ConfigureAwait(false)}");
        }

        return JsonSerializer.Deserialize<ConnectRun.Report>(output.Trim())!;
    }

    /// <summary>The yardstick reports its own rate; its CPU is not compared (it is the ceiling for speed only).</summary>
    private static async Task<ConnectRun.Report?> RunYardstickAsync(string binary, int port, int checks, int inflight)
    {
        var inv = CultureInfo.InvariantCulture;
        var psi = new ProcessStartInfo(binary, ["ext", checks.ToString(inv), inflight.ToString(inv), "1", port.ToString(inv)])
        {
            RedirectStandardOutput = true,
        };
        using var child = Process.Start(psi)!;
        var output = await child.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await child.WaitForExitAsync().ConfigureAwait(false);
        var time = TimeRegex().Match(output);
        var ok = OkRegex().Match(output);
        if (!time.Success || !ok.Success)
        {
            throw new InvalidOperationException($"unexpected yardstick output: {output}");
        }

        var passed = int.Parse(ok.Groups[1].Value, inv);
        return new ConnectRun.Report("yardstick", checks, passed, checks - passed, double.Parse(time.Groups[1].Value, inv), 0, 0, 0);
    }

    private static async Task<string> BuildYardstickAsync(string source)
    {
        if (!source.EndsWith(".c", StringComparison.Ordinal))
        {
            return source;
        }

        var binary = Path.Combine(Path.GetTempPath(), $"connbench-{Environment.ProcessId}");
        using var gcc = Process.Start("gcc", ["-O2", "-pthread", "-o", binary, source]);
        await gcc.WaitForExitAsync().ConfigureAwait(false);
        return gcc.ExitCode == 0 ? binary : throw new InvalidOperationException($"gcc failed to build {source}");
    }

    private static ProcessStartInfo SelfCommand(params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "HealthChecker.Bench"), args)
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
        return psi;
    }

    [GeneratedRegex(@"time=([0-9.]+)s")]
    private static partial Regex TimeRegex();

    [GeneratedRegex(@" ok=([0-9]+)")]
    private static partial Regex OkRegex();
}
