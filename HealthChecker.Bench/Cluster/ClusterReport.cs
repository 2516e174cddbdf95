using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using static HealthChecker.Bench.Cluster.ClusterBenchmark;

namespace HealthChecker.Bench.Cluster;

/// <summary>The <c>cluster</c> benchmark's section for docs/benchmarks.md: the command, the throughput and failover tables, the goals, and the estimate on paper.</summary>
internal static class ClusterReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // The estimate's assumptions: 1 000 000 targets at 10 s, each node kept at most this busy.
    private const double PaperTargets = 1_000_000;
    private const double PaperInterSeconds = 10;
    private const double NodeBudget = 0.7;

    public static string Markdown(Settings settings, DateTimeOffset started, string load, Throughput single, Throughput cluster, Failover failover)
    {
        var interval = Duration(settings.Inter);
        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"Run {started:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; load average at start (1/5/15 min) {load}.");
        sb.AppendLine(Inv, $"{settings.Targets:N0} TCP targets at `inter {settings.Inter}` ({settings.Targets / interval:N0} checks/s scheduled), each a loopback listener whose banner it expects (`expect: \"OK\"`); warm-up {settings.Warmup} s, window {settings.Window} s; the failover recorded for {failover.RecordedSeconds:F0} s after the kill.");
        sb.AppendLine();
        sb.AppendLine("Command (from the repository root):");
        sb.AppendLine();
        sb.AppendLine("```sh");
        sb.AppendLine("dotnet build HealthChecker.sln -c Release");
        sb.AppendLine(Inv, $"HealthChecker.Bench/bin/Release/net10.0/{settings.Command}");
        sb.AppendLine("```");
        sb.AppendLine();

        var baseline = single.MeanMicrosPerCheck;
        sb.AppendLine("| run | node | targets | checks/s | CPU % of one core | idle CPU % (no targets) | CPU µs/check (user+sys) | ÷ one node's µs/check | µs/check above idle |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        NodeRows(sb, "one node", single, baseline);
        NodeRows(sb, $"{cluster.Nodes.Count} nodes", cluster, baseline);
        sb.AppendLine();
        sb.AppendLine("| run | connections the peers saw in the window, /s | PostgreSQL CPU µs per check (all nodes' checks) |");
        sb.AppendLine("|---|---:|---:|");
        sb.AppendLine(Inv, $"| one node | {single.PeerChecksPerSecond:F0} | {single.PostgresMicrosPerCheck:F1} |");
        sb.AppendLine(Inv, $"| {cluster.Nodes.Count} nodes | {cluster.PeerChecksPerSecond:F0} | {cluster.PostgresMicrosPerCheck:F1} |");
        sb.AppendLine();

        var sumRatio = cluster.Nodes.Sum(n => n.ChecksPerSecond) / single.Nodes.Sum(n => n.ChecksPerSecond);
        var worst = cluster.Nodes.Max(n => Math.Abs((n.MicrosPerCheck / baseline) - 1));
        var lost = failover.Figures;
        sb.AppendLine(Inv, $"Against the goals: the {cluster.Nodes.Count} nodes together make {sumRatio:P1} of one node's checks/s (goal: the same); "
            + $"each node's CPU per check is within {worst:P1} of one node's (goal ≤ 10 %: {(worst <= 0.10 ? "met" : "missed")}).");
        sb.AppendLine();

        sb.AppendLine(Inv, $"| `kill -9` of {failover.Node} | measured | goal |");
        sb.AppendLine("|---|---:|---|");
        sb.AppendLine(Inv, $"| its targets, by the shard map · by `/api/cluster` | {lost.Owned:N0} · {failover.ListedTargets?.ToString("N0", Inv) ?? "–"} | |");
        sb.AppendLine(Inv, $"| listed Dead in `/api/status` of node-1 after the kill, s | {failover.DeadAfterSeconds:F1} | |");
        sb.AppendLine(Inv, $"| all targets checked by the survivors, by `/api/cluster`, after, s | {failover.SharedOutAfterSeconds:F1} | |");
        sb.AppendLine(Inv, $"| first check of each of its targets by another node after the kill, p50 / max, s | {lost.TakeOverP50Seconds:F1} / {lost.TakeOverMaxSeconds:F1} | ≤ 10 s |");
        sb.AppendLine(Inv, $"| its targets not checked again within {failover.RecordedSeconds:F0} s | {lost.NeverCheckedAgain} | 0 |");
        sb.AppendLine(Inv, $"| checks lost (due times skipped before the first check after the kill, over its targets) | {lost.Lost:N0} | |");
        sb.AppendLine(Inv, $"| … those a take-over at the moment it was listed Dead would lose | {lost.LostImplied:N0} | |");
        sb.AppendLine(Inv, $"| checks lost beyond what the detection time implies | {lost.LostBeyondImplied:N0} | 0 |");
        sb.AppendLine(Inv, $"| double checks (two checks of one target < ½ interval apart), every target, window and failover | {lost.DoubleChecks.Count} | 0 |");
        sb.AppendLine(Inv, $"| the other nodes' targets: longest gap across the kill, intervals · checks lost | {lost.OthersLongestGapIntervals:F2} · {lost.OthersLost} | 1 · 0 |");
        if (lost.DoubleChecks.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(Inv, $"Double checks (target index: gap): {string.Join("; ", lost.DoubleChecks.Take(10))}{(lost.DoubleChecks.Count > 10 ? "; …" : "")}");
        }

        sb.AppendLine();
        sb.AppendLine(Paper(cluster, baseline));
        return sb.ToString();
    }

    /// <summary>The nodes for 1 000 000 targets at 10 s, from the measured CPU per check, with the assumptions it rests on.</summary>
    private static string Paper(Throughput cluster, double singleMicros)
    {
        var rate = PaperTargets / PaperInterSeconds;
        // Above idle when the idle measure holds (a busy machine can make it exceed the loaded one); else the gross cost, each node's idle cost in it.
        var aboveIdle = cluster.MeanMicrosPerCheckAboveIdle > 0;
        var micros = aboveIdle ? cluster.MeanMicrosPerCheckAboveIdle : cluster.MeanMicrosPerCheck;
        var idleCores = aboveIdle ? cluster.Nodes.Average(n => n.IdlePercent) / 100 : 0;
        var cores = Environment.ProcessorCount;
        var checkingCores = rate * micros / 1e6;
        // Each node gives its idle cost first; the checks share what is left of its budget.
        var room = (cores * NodeBudget) - idleCores;
        var nodes = room > 0 ? (int)Math.Ceiling(checkingCores / room) : int.MaxValue;
        var postgresCores = rate * cluster.PostgresMicrosPerCheck / 1e6;
        return new StringBuilder()
            .Append(Inv, $"On paper, 1 000 000 targets at `inter 10s` ({rate:N0} checks/s): at the {micros:F1} µs of app CPU per check {(aboveIdle ? "above a node's idle CPU" : "(gross: the idle measure exceeded the loaded one)")} measured with ")
            .Append(Inv, $"{cluster.Nodes.Count} nodes (gross, one node alone: {singleMicros:F1} µs per check), the checks take {checkingCores:F1} cores; nodes of {cores} cores kept at ")
            .Append(Inv, $"most {NodeBudget:P0} busy, each first spending its idle {idleCores:F2} cores, make {nodes} nodes, and {nodes + 1} so that the others carry a dead node's share. PostgreSQL, at the ")
            .Append(Inv, $"{cluster.PostgresMicrosPerCheck:F1} µs per check measured here, needs {postgresCores:F1} cores for the results of all of them on one server. ")
            .Append("Assumed: the cost per check stays the same at 30 times the rate and over a real network (TCP checks that read a banner, ")
            .Append("mostly kernel time; connect-only checks cost less, HTTP or TLS checks more), the nodes run nothing else (dashboards and alerting are not in the figure), ")
            .Append("and the checks of one node fit its in-flight limit (checks/s × check duration ≤ `MaxInFlight`, 2 000 by default).")
            .ToString();
    }

    private static void NodeRows(StringBuilder sb, string run, Throughput throughput, double baseline)
    {
        foreach (var n in throughput.Nodes)
        {
            sb.AppendLine(Inv, $"| {run} | {n.Name} | {n.Targets:N0} | {n.ChecksPerSecond:F0} | {n.CpuPercent:F1} | {n.IdlePercent:F1} | {n.MicrosPerCheck:F1} | {n.MicrosPerCheck / baseline:F2} | {n.MicrosPerCheckAboveIdle:F1} |");
        }

        if (throughput.Nodes.Count > 1)
        {
            sb.AppendLine(Inv, $"| {run} | all | {throughput.Nodes.Sum(n => n.Targets):N0} | {throughput.Nodes.Sum(n => n.ChecksPerSecond):F0} | "
                + $"{throughput.Nodes.Sum(n => n.CpuPercent):F1} | {throughput.Nodes.Sum(n => n.IdlePercent):F1} | {throughput.MeanMicrosPerCheck:F1} | {throughput.MeanMicrosPerCheck / baseline:F2} | {throughput.MeanMicrosPerCheckAboveIdle:F1} |");
        }
    }

    private static double Duration(string inter) =>
        HealthChecker.Core.Targets.Duration.TryParse(inter, out var value) ? value.TotalSeconds : double.NaN;
}
