using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using HealthChecker.Bench.Dashboard;
using HealthChecker.Core.Cluster;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using Npgsql;

namespace HealthChecker.Bench.Cluster;

/// <summary>
/// <c>cluster</c>: the same TCP targets (one loopback listener each, whose banner they expect, in <see cref="TargetListeners"/> processes) checked
/// first by one node alone, then by several nodes in one Orleans cluster, every node an app process on one PostgreSQL
/// (an embedded server of the bench's own, a fresh database per run). Each run measures each node's checks/s and CPU per
/// check over a steady window; then one node of the cluster is killed with SIGKILL and the peers' record of every
/// check says how soon its targets were checked again, how many checks were lost, and whether any target was checked twice.
/// </summary>
internal static class ClusterBenchmark
{
    public const string Usage =
        "       HealthChecker.Bench cluster [--targets 30000] [--inter 5s] [--nodes 3] [--idle 10] [--warmup 30] [--window 60] [--failover 40] [--ports 1000] [--port-base 20000] [--web HealthChecker.Web.dll] [--quick 1]";

    private static readonly TimeSpan MembershipLimit = TimeSpan.FromMinutes(3);

    public sealed record Settings(int Targets, string Inter, int Nodes, int Idle, int Warmup, int Window, int Failover, int Ports, int PortBase, string? WebDll)
    {
        /// <summary>The full run, or with <c>--quick 1</c> a small one that checks the harness (each value can still be given).</summary>
        public static Settings From(Func<string, int, int> option, Func<string, string?> text)
        {
            bool quick = option("quick", 0) != 0;
            return new Settings(
                option("targets", quick ? 3_000 : 30_000), text("inter") ?? "5s", option("nodes", 3), option("idle", quick ? 5 : 10), option("warmup", quick ? 10 : 30),
                option("window", quick ? 20 : 60), option("failover", quick ? 30 : 40), option("ports", 1_000), option("port-base", 20_000), text("web"));
        }

        /// <summary>The command line that runs these settings.</summary>
        public string Command => string.Create(CultureInfo.InvariantCulture,
            $"HealthChecker.Bench cluster --targets {Targets} --inter {Inter} --nodes {Nodes} --idle {Idle} --warmup {Warmup} --window {Window} --failover {Failover}");
    }

    public static async Task<int> RunAsync(Settings settings)
    {
        if (!Duration.TryParse(settings.Inter, out var interval) || interval <= TimeSpan.Zero || settings.Nodes < 2)
        {
            Console.Error.WriteLine($"--inter '{settings.Inter}' must be a duration such as 5s, --nodes at least 2");
            return 3;
        }

        FileLimit.Raise();
        var started = DateTimeOffset.UtcNow;
        var load = ProcFacts.LoadAverage();
        var dll = settings.WebDll ?? DashboardBenchmark.LocateWebDll();
        Log($"web app: {dll}; load {load}");
        var folder = Path.Combine(Path.GetTempPath(), $"hc-clusterbench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            await using var postgres = await LocalCluster.StartAsync(folder, Serilog.Core.Logger.None).ConfigureAwait(false);
            using var peers = PeerGroup.Start(settings.Targets, settings.Ports, settings.PortBase);
            Log($"PostgreSQL on port {postgres.Port}; {settings.Targets} listeners in peer processes {string.Join(", ", peers.Pids)}");
            var yaml = TargetsFile(peers.Endpoints, settings.Inter);

            var single = await RunNodesAsync(postgres, peers, yaml, settings, interval, 1, failover: false).ConfigureAwait(false);
            var cluster = await RunNodesAsync(postgres, peers, yaml, settings, interval, settings.Nodes, failover: true).ConfigureAwait(false);
            Console.WriteLine(ClusterReport.Markdown(settings, started, load, single.Throughput, cluster.Throughput, cluster.Failover!));
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temporary folder is no reason to fail a run.
            }
        }
    }

    /// <summary>One run: <paramref name="count"/> nodes on a fresh database, the targets imported, a steady window measured, then the failover if asked.</summary>
    private static async Task<(Throughput Throughput, Failover? Failover)> RunNodesAsync(
        LocalCluster postgres, PeerGroup peers, string yaml, Settings settings, TimeSpan interval, int count, bool failover)
    {
        var clusterId = count == 1 ? "bench-single" : "bench-cluster";
        var database = await CreateDatabaseAsync(postgres, clusterId.Replace('-', '_')).ConfigureAwait(false);
        var nodes = new List<ClusterNode>();
        try
        {
            for (int i = 1; i <= count; i++)
            {
                // One after the other: the first applies the migrations, the others join the cluster it formed.
                var node = await ClusterNode.StartAsync(settings.WebDll ?? DashboardBenchmark.LocateWebDll(), $"node-{i}", clusterId, database).ConfigureAwait(false);
                nodes.Add(node);
                Log($"{clusterId}: {node.Name} pid {node.App.Pid} on {node.App.BaseUrl}, its log in {node.App.LogFile}");
            }

            await WaitUntilAsync(async () => (await nodes[0].ActiveTargetsAsync().ConfigureAwait(false)).Count == count, $"{count} nodes Active").ConfigureAwait(false);
            // What a node costs with nothing to check (membership probes, heartbeats, timers): at a few hundred checks/s it is most of its CPU.
            // Measured after a warm-up: just after the start, the JIT and the first rounds of Orleans' timers cost more than they will.
            await Task.Delay(TimeSpan.FromSeconds(settings.Warmup)).ConfigureAwait(false);
            var idle = await IdlePercentAsync(nodes, settings.Idle).ConfigureAwait(false);
            Log($"{clusterId}: idle CPU % of one core {string.Join(", ", idle.Select(i => i.ToString("F1", CultureInfo.InvariantCulture)))}");
            var import = Stopwatch.StartNew();
            await nodes[0].App.ImportAsync(yaml).ConfigureAwait(false);
            await WaitSharedOutAsync(nodes[0], count, settings.Targets).ConfigureAwait(false);
            Log($"{clusterId}: {settings.Targets} targets imported and checked by {count} node(s) after {import.Elapsed.TotalSeconds:F1} s; warm-up {settings.Warmup} s");
            await Task.Delay(TimeSpan.FromSeconds(settings.Warmup)).ConfigureAwait(false);

            await peers.ClearAsync().ConfigureAwait(false);
            var throughput = await MeasureAsync(postgres, nodes, idle, settings.Window).ConfigureAwait(false);
            Log($"{clusterId}: {throughput.Nodes.Sum(n => n.ChecksPerSecond):F0} checks/s, {throughput.MeanMicrosPerCheck:F1} µs CPU per check");
            if (!failover)
            {
                // The peers may accept a check late on a busy machine (its time is the kernel's): an interval for the last of the window.
                await Task.Delay(interval).ConfigureAwait(false);
                return (throughput.Counted(await peers.RecordAsync().ConfigureAwait(false)), null);
            }

            var (killed, record) = await KillOneAsync(peers, nodes, settings, interval).ConfigureAwait(false);
            return (throughput.Counted(record), killed);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Each node's checks and CPU, and PostgreSQL's CPU per check of them all, over <paramref name="seconds"/>.</summary>
    private static async Task<Throughput> MeasureAsync(LocalCluster postgres, List<ClusterNode> nodes, IReadOnlyList<double> idle, int seconds)
    {
        var targets = await nodes[0].ActiveTargetsAsync().ConfigureAwait(false);
        var postgresBefore = PostgresCpu.Of(postgres.DataDirectory);
        var before = new List<ClusterNode.Sample>();
        foreach (var node in nodes)
        {
            before.Add(await node.SampleAsync().ConfigureAwait(false));
        }

        await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
        var after = new List<ClusterNode.Sample>();
        foreach (var node in nodes)
        {
            after.Add(await node.SampleAsync().ConfigureAwait(false));
        }

        var postgresCpu = PostgresCpu.Of(postgres.DataDirectory) - postgresBefore;
        var figures = nodes.Select((node, i) =>
        {
            var s = Stopwatch.GetElapsedTime(before[i].At, after[i].At).TotalSeconds;
            var checks = after[i].Checks - before[i].Checks;
            var cpu = (after[i].Cpu - before[i].Cpu).TotalSeconds;
            return new NodeFigures(node.Name, targets.GetValueOrDefault(node.Name) ?? 0, checks / s, 100 * cpu / s, checks == 0 ? double.NaN : 1e6 * cpu / checks, checks, cpu,
                idle[i], checks == 0 ? double.NaN : 1e6 * (cpu - (idle[i] / 100 * s)) / checks);
        }).ToList();
        var checks = figures.Sum(f => f.Checks);
        return new Throughput(figures, checks == 0 ? double.NaN : 1e6 * postgresCpu.TotalSeconds / checks, before.Min(b => b.At), after.Max(a => a.At), double.NaN);
    }

    /// <summary>Each node's CPU (% of one core) over <paramref name="seconds"/> with no target.</summary>
    private static async Task<List<double>> IdlePercentAsync(List<ClusterNode> nodes, int seconds)
    {
        var before = nodes.Select(n => (Cpu: ProcFs.CpuTime(n.App.Pid), At: Stopwatch.GetTimestamp())).ToList();
        await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
        return [.. nodes.Select((n, i) => 100 * (ProcFs.CpuTime(n.App.Pid) - before[i].Cpu).TotalSeconds / Stopwatch.GetElapsedTime(before[i].At).TotalSeconds)];
    }

    /// <summary>SIGKILL to the last node; then the survivors' view of it and the peers' record of every check.</summary>
    private static async Task<(Failover Failover, long[][] Record)> KillOneAsync(PeerGroup peers, List<ClusterNode> nodes, Settings settings, TimeSpan interval)
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            members[node.Name] = (await node.MembershipAsync().ConfigureAwait(false)).Member;
        }

        var victim = nodes[^1];
        var listed = (await nodes[0].ActiveTargetsAsync().ConfigureAwait(false)).GetValueOrDefault(victim.Name);
        var index = peers.Endpoints.Select((e, i) => (Url: Url(e), i)).ToDictionary(p => p.Url, p => p.i, StringComparer.Ordinal);
        // Who checks what, by the product's own shard map over the Active members: the same answer every node computes.
        var owned = (await nodes[0].TargetsAsync().ConfigureAwait(false))
            .Where(t => ShardMap.OwnerOf(ShardMap.ShardOf(t.Id), members.Values) == members[victim.Name])
            .Select(t => index[t.Check]).ToHashSet();
        Log($"killing {victim.Name} ({members[victim.Name]}): it checks {owned.Count} targets by the shard map, {listed} by /api/cluster");

        var deadBefore = (await nodes[0].MembershipAsync().ConfigureAwait(false)).Dead;
        // From the signal: the parent may learn of the exit late on a busy machine, and the take-over would look shorter than it was.
        var kill = Stopwatch.GetTimestamp();
        await victim.App.KillAsync().ConfigureAwait(false);
        long dead = 0;
        await WaitUntilAsync(async () =>
        {
            // The moment the request went out: the shorter detection time, so that the loss it implies is the smaller.
            var asked = Stopwatch.GetTimestamp();
            var seen = (await nodes[0].MembershipAsync().ConfigureAwait(false)).Dead > deadBefore;
            dead = asked;
            return seen;
        }, $"{victim.Name} declared Dead", pollMs: 100).ConfigureAwait(false);
        Log($"{victim.Name} listed Dead {Stopwatch.GetElapsedTime(kill, dead).TotalSeconds:F1} s after the kill");

        var survivors = nodes.Count - 1;
        await WaitSharedOutAsync(nodes[0], survivors, settings.Targets).ConfigureAwait(false);
        var sharedOut = Stopwatch.GetElapsedTime(kill).TotalSeconds;
        var rest = TimeSpan.FromSeconds(settings.Failover) - Stopwatch.GetElapsedTime(kill);
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest).ConfigureAwait(false);
        }

        var record = await peers.RecordAsync().ConfigureAwait(false);
        var figures = FailoverFigures.From(record, owned, kill, dead, interval);
        return (new Failover(victim.Name, listed, Stopwatch.GetElapsedTime(kill, dead).TotalSeconds, sharedOut, Stopwatch.GetElapsedTime(kill).TotalSeconds, figures), record);
    }

    /// <summary>
    /// TCP checks, one per peer listener, at <paramref name="inter"/> with no spread (so one node checks a target an interval after
    /// its last check), each expecting the peer's banner: a connect-only check resets the connection before the handshake's last
    /// ACK, so no listening program ever sees it; with one expect step the peer accepts every check and can record it.
    /// </summary>
    private static string TargetsFile(IReadOnlyList<IPEndPoint> endpoints, string inter)
    {
        var yaml = new StringBuilder().Append(CultureInfo.InvariantCulture, $"defaults:\n  inter: {inter}\n  spread: 0\ntargets:\n");
        for (int i = 0; i < endpoints.Count; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - name: bench/t{i:D6}\n    check: {Url(endpoints[i])}\n    steps:\n      - expect: \"{TargetListeners.BannerText}\"\n");
        }

        return yaml.ToString();
    }

    private static string Url(IPEndPoint endpoint) => $"tcp://{endpoint}";

    private static async Task<string> CreateDatabaseAsync(LocalCluster postgres, string name)
    {
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return postgres.BuildConnectionString(name);
    }

    /// <summary>Until <paramref name="count"/> nodes are Active and their targets sum to <paramref name="targets"/>, as <paramref name="asked"/> lists them.</summary>
    private static Task WaitSharedOutAsync(ClusterNode asked, int count, int targets) =>
        WaitUntilAsync(async () => await asked.ActiveTargetsAsync().ConfigureAwait(false) is var active
            && active.Count == count && active.Values.All(t => t > 0) && active.Values.Sum() == targets,
            $"{targets} targets checked by {count} node(s)");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int pollMs = 500)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed > MembershipLimit)
            {
                throw new TimeoutException($"not within {MembershipLimit}: {what}");
            }

            await Task.Delay(pollMs).ConfigureAwait(false);
        }
    }

    private static void Log(string message) => Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} {message}");

    /// <summary>One node over the steady window: its targets, checks/s, CPU (% of one core) and CPU µs per check, with the raw counts.</summary>
    internal sealed record NodeFigures(string Name, int Targets, double ChecksPerSecond, double CpuPercent, double MicrosPerCheck, long Checks, double CpuSeconds,
        double IdlePercent, double MicrosPerCheckAboveIdle);

    /// <summary>One run's steady window (from the first node's sample to the last's): every node, PostgreSQL's CPU per check, the connections the peers saw per second.</summary>
    internal sealed record Throughput(IReadOnlyList<NodeFigures> Nodes, double PostgresMicrosPerCheck, long Start, long End, double PeerChecksPerSecond)
    {
        /// <summary>With the connections the peers' <paramref name="record"/> holds in the window.</summary>
        public Throughput Counted(long[][] record) =>
            this with { PeerChecksPerSecond = record.Sum(times => (times ?? []).Count(t => t >= Start && t <= End)) / Stopwatch.GetElapsedTime(Start, End).TotalSeconds };

        /// <summary>All the nodes' CPU over all their checks.</summary>
        public double MeanMicrosPerCheck => 1e6 * Nodes.Sum(n => n.CpuSeconds) / Nodes.Sum(n => n.Checks);

        /// <summary>All the nodes' CPU above their idle CPU over all their checks.</summary>
        public double MeanMicrosPerCheckAboveIdle => Nodes.Sum(n => n.MicrosPerCheckAboveIdle * n.Checks) / Nodes.Sum(n => n.Checks);
    }

    /// <summary>The kill: which node, how many targets /api/cluster gave it, when the survivors listed it Dead and shared its targets, and the peers' figures.</summary>
    internal sealed record Failover(string Node, int? ListedTargets, double DeadAfterSeconds, double SharedOutAfterSeconds, double RecordedSeconds, FailoverFigures Figures);
}
