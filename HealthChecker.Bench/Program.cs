using System.Globalization;
using System.Net;

namespace HealthChecker.Bench;

/// <summary>
/// <c>connect</c>: the three-way connect-only benchmark (yardstick, engine, .NET baseline) on the same
/// peers, printed as a markdown table; <c>peer</c> and <c>run</c> are its child processes.
/// <c>schedule</c>: 10 000 scheduled targets, HealthChecker's scheduler beside HAProxy; <c>peers</c> and
/// <c>schedule-run</c> are its child processes.
/// <c>store</c>: writes into, reads from and disk use of the check history (<see cref="StoreBenchmark"/>).
/// <c>admin</c>: the admin's view (import, list pages, status, export, delete) at 100 000 targets (<see cref="Admin.AdminBenchmark"/>).
/// <c>alerts</c>: a storm of 5 000 DOWN targets and the state change to message latency, beside Alertmanager (<see cref="Alerts.AlertBenchmark"/>).
/// <c>cluster</c>: 30 000 targets on one node, then on three nodes of one cluster, and a node killed (<see cref="Cluster.ClusterBenchmark"/>);
/// <c>cluster-peers</c> are its child processes.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: HealthChecker.Bench connect [--checks 20000] [--inflight 500] [--rounds 3] [--yardstick connbench.c]");
            Console.Error.WriteLine("       HealthChecker.Bench schedule [--targets 10000] [--inter 1s] [--seconds 60] [--warmup 5] [--listeners 100] [--rounds 1] [--haproxy PATH]");
            Console.Error.WriteLine(StoreBenchmark.Usage);
            Console.Error.WriteLine("       HealthChecker.Bench dashboard [--targets 10000] [--circuits 20] [--repeats 5] [--settle 20] [--web HealthChecker.Web.dll]");
            Console.Error.WriteLine(Admin.AdminBenchmark.Usage);
            Console.Error.WriteLine(Alerts.AlertBenchmark.Usage);
            Console.Error.WriteLine(Cluster.ClusterBenchmark.Usage);
            return 3;
        }

        var options = Options.Parse(args.Skip(1));
        return args[0] switch
        {
            "connect" => await ConnectBenchmark.RunAsync(
                options.Int("checks", 20_000), options.Int("inflight", 500), options.Int("rounds", 3), options.String("yardstick")).ConfigureAwait(false),
            "store" => await StoreBenchmark.RunAsync(StoreBenchmark.Settings.From(options.Int, options.String)).ConfigureAwait(false),
            "peer" => Peers.RunAcceptAndClose(options.Int("port", 0), options.Int("threads", 2)),
            "run" => await ConnectRun.RunAsync(options.String("impl") ?? "engine", options.Int("port", 0),
                options.Int("checks", 20_000), options.Int("inflight", 500), options.Int("warmup", 2_000)).ConfigureAwait(false),
            "schedule" => await ScheduleBenchmark.RunAsync(new ScheduleBenchmark.Options(
                options.Int("targets", 10_000), options.String("inter") ?? "1s", options.Int("seconds", 60), options.Int("warmup", 5),
                options.Int("listeners", 100), options.Int("rounds", 1), options.String("haproxy"))).ConfigureAwait(false),
            "peers" => ListenerPeers.Run(options.Int("listeners", 100)),
            "schedule-run" => await ScheduleRun.RunAsync(
                (options.String("peers") ?? "").Split(',').Select(IPEndPoint.Parse).ToList(),
                options.Int("targets", 10_000), options.String("inter") ?? "1s").ConfigureAwait(false),
            "dashboard" => await Dashboard.DashboardBenchmark.RunAsync(new Dashboard.DashboardBenchmark.Settings(
                options.Int("targets", 10_000), options.Int("circuits", 20), options.Int("repeats", 5), options.Int("settle", 20),
                options.Int("samples", 5), options.Int("down-limit", 60), options.String("chromium") ?? "/usr/bin/chromium", options.String("web"))).ConfigureAwait(false),
            "admin" => await Admin.AdminBenchmark.RunAsync(new Admin.AdminBenchmark.Settings(
                options.Int("targets", 100_000), options.Int("baseline", 1_000), options.Int("repeats", 21), options.Int("settle", 30),
                options.String("web"), options.String("app-env"))).ConfigureAwait(false),
            "alerts" => await Alerts.AlertBenchmark.RunAsync(Alerts.AlertBenchmark.Settings.From(options.Int)).ConfigureAwait(false),
            "cluster" => await Cluster.ClusterBenchmark.RunAsync(Cluster.ClusterBenchmark.Settings.From(options.Int, options.String)).ConfigureAwait(false),
            "cluster-peers" => Cluster.TargetListeners.Run(options.Int("first", 0), options.Int("count", 0), options.Int("ports", 1_000), options.Int("port-base", 20_000)),
            "dashboard-peers" => Dashboard.DashboardPeers.Run(options.Int("watched", 10), options.Int("bulk-addresses", 10)),
            _ => Fail($"unknown command '{args[0]}'"),
        };
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 3;
    }

    private sealed class Options(Dictionary<string, string> values)
    {
        public static Options Parse(IEnumerable<string> args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            using var e = args.GetEnumerator();
            while (e.MoveNext())
            {
                var key = e.Current.TrimStart('-');
                values[key] = e.MoveNext() ? e.Current : throw new ArgumentException($"--{key} needs a value");
            }

            return new Options(values);
        }

        public int Int(string key, int fallback) =>
            values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        public string? String(string key) => values.GetValueOrDefault(key);
    }
}
