using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace HealthChecker.Bench.Alerts;

/// <summary>The <c>alerts</c> benchmark's result as markdown: the storm per receiver, then the latency per path.</summary>
internal static class AlertTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(AlertBenchmark.Settings s, string load, string alertmanagerVersion, AlertBenchmark.StormResult storm, AlertBenchmark.LatencyResult latency)
    {
        var sb = new StringBuilder();
        string recovery = storm.Recovering is { } r ? $"{storm.Recovered} of them UP again {(r - storm.Closing).TotalSeconds:F1} s after the close (their listeners open again); " : "";
        sb.AppendLine(Inv, $"{s.Targets} connect-only targets (inter 1s, rise 1, fall 1) on {s.Listeners} in-process loopback listeners; {storm.Down} of them DOWN at once (their listeners closed); {recovery}one rule, group-wait {s.GroupWait} s, group-interval {s.GroupInterval} s, watched {s.Window} s after the close.");
        sb.AppendLine(Inv, $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {alertmanagerVersion}; load average at start (1/5/15 min) {load}.");
        sb.AppendLine();
        var first = storm.FirstChange;
        string spread = first is { } f ? $"{(storm.LastChange - f).TotalSeconds:F2} s" : "n/a";
        int before = new[] { storm.Webhook, storm.Mail, storm.Alertmanager }.Sum(r => r.Count(m => m.At < storm.Closing));
        sb.AppendLine(Inv, $"Storm: {storm.DownSeen} DOWN changes seen (expected {storm.Down}) and {storm.UpSeen} UP (expected {storm.Recovered}), the first {Since(storm.Closing, first)} after the close, spread over {spread}; Alertmanager got them in {storm.AlertmanagerPosts} POSTs in all ({storm.AlertmanagerFailures} failed); {before} storm messages before the close.");
        sb.AppendLine();
        sb.AppendLine("| receiver | messages in the window | each message: s after the first change (what it says) | shortest gap between messages | alerts in the first message | first change → first message |");
        sb.AppendLine("|---|---:|---|---:|---:|---:|");
        StormRow(sb, "HealthChecker webhook", storm.Webhook, storm, Listed);
        StormRow(sb, "HealthChecker SMTP", storm.Mail, storm, m => $"\"{m.Title}\"");
        StormRow(sb, "Alertmanager webhook", storm.Alertmanager, storm, Listed);
        sb.AppendLine();
        sb.AppendLine(Inv, $"Latency: one target DOWN then UP again, {s.Repeats} times, group-wait 0 (group-interval 1 s, so that each resolution comes soon); state change (the scheduler's event) → firing message received; {latency.Missed} waits of 30 s ran out.");
        sb.AppendLine();
        sb.AppendLine("| path | samples | p50 ms | p99 ms | max ms |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        LatencyRow(sb, "HealthChecker webhook", latency.OursMs);
        LatencyRow(sb, "Alertmanager webhook", latency.AlertmanagerMs);
        return sb.ToString();
    }

    private static void StormRow(StringBuilder sb, string name, IReadOnlyList<ReceivedAlert> all, AlertBenchmark.StormResult storm, Func<ReceivedAlert, string> listed)
    {
        var origin = storm.FirstChange ?? storm.Closing;
        var messages = all.Where(m => m.At >= storm.Closing).OrderBy(m => m.At).ToList();
        string each = messages.Count == 0
            ? "none"
            : string.Join(", ", messages.Take(5).Select(m => $"{(m.At - origin).TotalSeconds:F2} ({Says(m)})"))
              + (messages.Count > 5 ? ", …" : "");
        string firstListed = messages.Count == 0 ? "n/a" : listed(messages[0]);
        string delay = messages.Count == 0 || storm.FirstChange is null ? "n/a" : $"{(messages[0].At - origin).TotalSeconds:F2} s";
        string gap = messages.Count < 2 ? "n/a" : $"{messages.Zip(messages.Skip(1), (a, b) => (b.At - a.At).TotalSeconds).Min():F2} s";
        sb.AppendLine(Inv, $"| {name} | {messages.Count} | {each} | {gap} | {firstListed} | {delay} |");
    }

    private static string Says(ReceivedAlert m) =>
        m.Title.Length > 0 ? $"\"{m.Title}\"" : $"{m.Status}, {m.Alerts} alerts, {m.ListedResolved} of the {m.Listed} listed resolved";

    private static string Listed(ReceivedAlert m) => m.Truncated > 0 ? $"{m.Alerts} ({m.Listed} listed, {m.Truncated} counted as truncated)" : m.Alerts.ToString(Inv);

    private static void LatencyRow(StringBuilder sb, string name, List<double> samples)
    {
        if (samples.Count == 0)
        {
            sb.AppendLine(Inv, $"| {name} | 0 | n/a | n/a | n/a |");
            return;
        }

        var sorted = samples.Order().ToList();
        sb.AppendLine(Inv, $"| {name} | {sorted.Count} | {Rank(sorted, 0.50):F1} | {Rank(sorted, 0.99):F1} | {sorted[^1]:F1} |");
    }

    /// <summary>Nearest rank.</summary>
    private static double Rank(List<double> sorted, double fraction) => sorted[Math.Clamp((int)Math.Ceiling(sorted.Count * fraction) - 1, 0, sorted.Count - 1)];

    private static string Since(DateTimeOffset from, DateTimeOffset? to) => to is { } t ? $"{(t - from).TotalSeconds:F2} s" : "never";
}
