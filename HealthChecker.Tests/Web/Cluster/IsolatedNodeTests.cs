using HealthChecker.Tests.Support;
using HealthChecker.Testing;
using HealthChecker.Tests.Web.Support;
using Xunit.Abstractions;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Cluster;

/// <summary>
/// A node cut from PostgreSQL and from the other node at once (two child processes, real Orleans, nftables dropping the silo
/// traffic on loopback): it suspends its checks before the other declares it dead and takes its targets over.
/// </summary>
public sealed class IsolatedNodeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private const string Suspended = "checks suspended";

    [Fact(Timeout = 600_000)]
    public async Task A_node_cut_from_PostgreSQL_and_from_the_other_node_suspends_its_checks_so_no_target_is_checked_by_both_and_exits_once_it_learns_it_was_declared_dead()
    {
        await using var nodes = await TwoNodes.StartAsync(output);
        var (proxy, peer, cluster, targets, isolated, members) = (nodes.Proxy, nodes.Peer, nodes.Cluster, nodes.Targets, nodes.Isolated, nodes.Members);
        var orphaned = ClusterOfNodes.OwnedBy(members["isolated"], [.. members.Values], targets);
        Assert.NotEmpty(orphaned);
        Assert.False((await StatusAsync(cluster.Client("isolated"))).GetProperty("checksSuspended").GetBoolean());

        var cut = CheckCountingPeer.Now();
        long dead, restored;
        bool suspendedWhileCut;
        using (new LoopbackCut(SiloPort(members["isolated"]), SiloPort(members["staying"])))
        {
            proxy.Cut();
            await cluster.WaitStatusAsync("staying", "isolated", "Dead");
            dead = CheckCountingPeer.Now();
            // Its HTTP is not cut: it says it checks nothing.
            suspendedWhileCut = (await StatusAsync(cluster.Client("isolated"))).GetProperty("checksSuspended").GetBoolean();
            await EveryTargetCheckedAsync(peer, targets.Keys, dead, 3);
            restored = CheckCountingPeer.Now();
            proxy.Restore();
        }

        // Back in touch, it reads that it was declared dead and ends.
        var exitCode = await isolated.WaitForExitAsync();
        var log = isolated.Output;
        await cluster.KillAsync("isolated");
        var settled = CheckCountingPeer.Now();
        await EveryTargetCheckedAsync(peer, targets.Keys, settled, 2);

        var timeline = new CheckTimeline(peer.Checks(), Interval);
        var handOver = orphaned.Select(n => LongestGap(peer.Checks()[n], cut)).ToList();
        output.WriteLine(Figures($"cut from everything: declared Dead after {timeline.Intervals(cut, dead):0.0} intervals (as seen by polling); its targets last checked by it {CheckTimeline.Summary(handOver.Select(h => timeline.Intervals(cut, h.Before)))} after the cut, first by the other {CheckTimeline.Summary(handOver.Select(h => timeline.Intervals(cut, h.After)))} after the cut; cut for {timeline.Intervals(cut, restored):0.0}; double checks {timeline.DoubleChecks().Count}"));
        output.WriteLine($"exit code {exitCode}; its log lines: " + string.Join('\n', log.Split('\n').Where(l => l.Contains(Suspended, StringComparison.Ordinal) || l.Contains("left the cluster", StringComparison.Ordinal))));
        Assert.Empty(timeline.DoubleChecks());
        Assert.Empty(timeline.CheckedByMoreThanOneNode(settled));
        Assert.True(suspendedWhileCut, "the cut node said in /api/status that its checks were suspended");
        Assert.Contains(Suspended, log, StringComparison.Ordinal);
        Assert.Contains("This node left the cluster for good", log, StringComparison.Ordinal);
        Assert.NotEqual(0, exitCode);
    }

    [Fact(Timeout = 600_000)]
    public async Task A_node_cut_from_everything_for_a_moment_checks_again_once_back_unless_it_was_declared_dead_and_no_target_is_checked_by_both()
    {
        await using var nodes = await TwoNodes.StartAsync(output);
        var (proxy, peer, cluster, targets, isolated, members) = (nodes.Proxy, nodes.Peer, nodes.Cluster, nodes.Targets, nodes.Isolated, nodes.Members);

        var cut = CheckCountingPeer.Now();
        using (new LoopbackCut(SiloPort(members["isolated"]), SiloPort(members["staying"])))
        {
            proxy.Cut();
            await EventuallyAsync(async () => (await StatusAsync(cluster.Client("isolated"))).GetProperty("checksSuspended").GetBoolean(),
                "the cut node says its checks are suspended", 60);
            proxy.Restore();
        }

        // Back within about the failure detection's time: whether the other declared it dead meanwhile depends on the moment.
        await EventuallyAsync(() => Task.FromResult(isolated.Output.Contains("checks resumed", StringComparison.Ordinal)
            || isolated.Output.Contains("This node left the cluster for good", StringComparison.Ordinal)), "the cut node resumes or exits", 120);
        var resumed = !isolated.Output.Contains("This node left the cluster for good", StringComparison.Ordinal);
        if (resumed)
        {
            Assert.False((await StatusAsync(cluster.Client("isolated"))).GetProperty("checksSuspended").GetBoolean());
            await cluster.WaitAllActiveAsync();
        }
        else
        {
            Assert.NotEqual(0, await isolated.WaitForExitAsync());
            await cluster.KillAsync("isolated");
        }

        await cluster.WaitSharedOutAsync(TwoNodes.Total);
        var settled = CheckCountingPeer.Now();
        await EveryTargetCheckedAsync(peer, targets.Keys, settled, 3);
        var timeline = new CheckTimeline(peer.Checks(), Interval);
        output.WriteLine(Figures($"cut from everything for a moment: {(resumed ? "resumed" : "declared dead, exited")}; longest gap {timeline.MaxGap(cut):0.00} intervals; double checks {timeline.DoubleChecks().Count}"));
        Assert.Empty(timeline.DoubleChecks());
        Assert.Empty(timeline.CheckedByMoreThanOneNode(settled));
    }

    /// <summary>
    /// Node "staying" and node "isolated" (its database through a proxy the test can cut) on one database, with
    /// <see cref="Total"/> targets at <see cref="Interval"/> shared out between them and each checked twice.
    /// </summary>
    private sealed class TwoNodes : IAsyncDisposable
    {
        public const int Total = 30;

        private TwoNodes(DatabaseProxy proxy, ClusterOfNodes cluster)
        {
            Proxy = proxy;
            Cluster = cluster;
        }

        public DatabaseProxy Proxy { get; }

        public CheckCountingPeer Peer { get; } = new();

        public ClusterOfNodes Cluster { get; }

        public IReadOnlyDictionary<string, long> Targets { get; private set; } = new Dictionary<string, long>();

        public WebAppProcess Isolated { get; private set; } = null!;

        public IReadOnlyDictionary<string, string> Members { get; private set; } = new Dictionary<string, string>();

        public static async Task<TwoNodes> StartAsync(ITestOutputHelper output)
        {
            var database = await TestDatabase.CreateEmptyAsync();
            var nodes = new TwoNodes(new DatabaseProxy(database), new ClusterOfNodes(database, output));
            try
            {
                await nodes.Cluster.StartAsync("staying");
                nodes.Targets = await nodes.Cluster.AddTargetsAsync("staying", nodes.Peer, Total, "1s");
                nodes.Isolated = await nodes.Cluster.StartAsync("isolated", nodes.Proxy.ConnectionString);
                await nodes.Cluster.WaitAllActiveAsync();
                await nodes.Cluster.WaitSharedOutAsync(Total);
                await EveryTargetCheckedAsync(nodes.Peer, nodes.Targets.Keys, CheckCountingPeer.Now(), 2);
                nodes.Members = await nodes.Cluster.MembersAsync();
                return nodes;
            }
            catch
            {
                await nodes.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Cluster.DisposeAsync();
            Peer.Dispose();
            Proxy.Dispose();
        }
    }

    /// <summary>The two checks of a target after <paramref name="since"/> with the longest time between them.</summary>
    private static (long Before, long After) LongestGap(long[] checks, long since)
    {
        var after = checks.Where(t => t > since).ToArray();
        return Enumerable.Range(1, Math.Max(0, after.Length - 1)).Select(i => (after[i - 1], after[i])).DefaultIfEmpty((since, since))
            .MaxBy(g => g.Item2 - g.Item1);
    }

    private static Task EveryTargetCheckedAsync(CheckCountingPeer peer, IEnumerable<string> names, long since, int times) =>
        EventuallyAsync(() => Task.FromResult(names.All(n => peer.CountSince(n, since) >= times)), $"every target checked {times} times", 180);

    /// <summary>The silo port of a member id <c>ip:port@generation</c>.</summary>
    private static int SiloPort(string member)
    {
        var at = member.LastIndexOf('@');
        var colon = member.LastIndexOf(':', at);
        return int.Parse(member[(colon + 1)..at], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Figures(string line) => "FIGURES " + line;
}
