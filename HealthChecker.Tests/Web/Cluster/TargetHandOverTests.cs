using HealthChecker.Testing;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using Xunit.Abstractions;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Cluster;

/// <summary>
/// Targets shared out over a few nodes (child processes on one PostgreSQL, real Orleans) as nodes join, stop, die and lose
/// their database: a counting peer sees every target checked, by one node, never twice within an interval.
/// </summary>
public sealed class TargetHandOverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private const string Inter = "1s";

    [Fact(Timeout = 600_000)]
    public async Task Nodes_that_join_take_their_share_without_any_target_checked_twice_within_an_interval()
    {
        const int total = 60;
        using var peer = new CheckCountingPeer();
        await using var cluster = new ClusterOfNodes(await TestDatabase.CreateEmptyAsync(), output);
        await cluster.StartAsync("node-1");
        var targets = await cluster.AddTargetsAsync("node-1", peer, total, Inter);
        await EveryTargetCheckedAsync(peer, targets.Keys, CheckCountingPeer.Now(), 2);

        var joins = CheckCountingPeer.Now();
        await cluster.StartAsync("node-2");
        await cluster.WaitAllActiveAsync();
        await cluster.WaitSharedOutAsync(total);
        await cluster.StartAsync("node-3");
        await cluster.WaitAllActiveAsync();
        foreach (var node in cluster.Running)
        {
            await cluster.WaitSharedOutAsync(total, node);
        }

        var settled = CheckCountingPeer.Now();
        await EveryTargetCheckedAsync(peer, targets.Keys, settled, 4);

        var timeline = new CheckTimeline(peer.Checks(), Interval);
        output.WriteLine(Figures($"join: longest gap of any target across the joins {timeline.MaxGap(joins):0.00} intervals, double checks {timeline.DoubleChecks().Count}"));
        Assert.Empty(timeline.DoubleChecks());
        Assert.Empty(timeline.CheckedByMoreThanOneNode(settled));
        await AssertOwnedAsTheShardMapSaysAsync(cluster, targets);
    }

    [Fact(Timeout = 600_000)]
    public async Task A_node_stopped_gracefully_hands_its_targets_over_at_once_without_double_checks()
    {
        const int total = 40;
        using var peer = new CheckCountingPeer();
        await using var cluster = new ClusterOfNodes(await TestDatabase.CreateEmptyAsync(), output);
        await cluster.StartAsync("staying");
        var targets = await cluster.AddTargetsAsync("staying", peer, total, Inter);
        await cluster.StartAsync("leaving");
        await cluster.WaitAllActiveAsync();
        await cluster.WaitSharedOutAsync(total);
        await EveryTargetCheckedAsync(peer, targets.Keys, CheckCountingPeer.Now(), 2);
        var members = await cluster.MembersAsync();
        var handedOver = ClusterOfNodes.OwnedBy(members["leaving"], [.. members.Values], targets);
        Assert.NotEmpty(handedOver);

        var stop = CheckCountingPeer.Now();
        Assert.Equal(0, await cluster.StopAsync("leaving"));
        // It left on its own (ShuttingDown, then Dead, its own vote), not declared dead by the other's failure detection.
        var (port, generation) = PortAndGeneration(members["leaving"]);
        Assert.Equal(1, await ScalarAsync(cluster.Database, "SELECT count(*) FROM orleansmembershiptable WHERE port = $1 AND generation = $2 AND status = 6 AND (suspecttimes IS NULL OR position($3 in suspecttimes) = 0)",
            port, generation, members["staying"]));
        await cluster.WaitSharedOutAsync(total);
        var settled = CheckCountingPeer.Now();
        await EveryTargetCheckedAsync(peer, targets.Keys, settled, 4);

        var timeline = new CheckTimeline(peer.Checks(), Interval);
        var gaps = timeline.GapAcross(stop, handedOver);
        output.WriteLine(Figures($"graceful stop: gap across the stop of the {handedOver.Count} targets handed over: {CheckTimeline.Summary(gaps.Values)}; double checks {timeline.DoubleChecks().Count}"));
        Assert.Empty(timeline.DoubleChecks());
        Assert.Empty(timeline.CheckedByMoreThanOneNode(settled));
        // At once: the last check of the leaving node, then the stop, then the next check by the other; no failure detection in between.
        Assert.All(gaps, g => Assert.True(g.Value < 6, $"{g.Key} was not checked for {g.Value:0.0} intervals across the stop"));
        await AssertOwnedAsTheShardMapSaysAsync(cluster, targets);
    }

    [Fact(Timeout = 600_000)]
    public async Task The_targets_of_a_node_killed_with_kill_9_are_checked_again_by_one_node_once_it_is_declared_Dead()
    {
        const int total = 40;
        using var peer = new CheckCountingPeer();
        await using var cluster = new ClusterOfNodes(await TestDatabase.CreateEmptyAsync(), output);
        await cluster.StartAsync("surviving");
        var targets = await cluster.AddTargetsAsync("surviving", peer, total, Inter);
        await cluster.StartAsync("killed");
        await cluster.WaitAllActiveAsync();
        await cluster.WaitSharedOutAsync(total);
        await EveryTargetCheckedAsync(peer, targets.Keys, CheckCountingPeer.Now(), 2);
        var members = await cluster.MembersAsync();
        var orphaned = ClusterOfNodes.OwnedBy(members["killed"], [.. members.Values], targets);
        Assert.NotEmpty(orphaned);

        var kill = CheckCountingPeer.Now();
        await cluster.KillAsync("killed");
        await cluster.WaitStatusAsync("surviving", "killed", "Dead");
        var dead = CheckCountingPeer.Now();
        await cluster.WaitSharedOutAsync(total);
        var settled = CheckCountingPeer.Now();
        await EveryTargetCheckedAsync(peer, targets.Keys, settled, 4);

        var timeline = new CheckTimeline(peer.Checks(), Interval);
        var firstChecks = timeline.FirstCheckAfter(kill, orphaned);
        output.WriteLine(Figures($"kill -9: declared Dead after {timeline.Intervals(kill, dead):0.0} intervals (as seen by polling); first check by the new owner after the kill: {CheckTimeline.Summary(firstChecks.Values)}; gap across the kill {CheckTimeline.Summary(timeline.GapAcross(kill, orphaned).Values)}; double checks {timeline.DoubleChecks().Count}"));
        output.WriteLine("first check by the new owner, per target, in intervals after the kill: " + string.Join(", ", firstChecks.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} {f.Value:0.00}")));
        Assert.Empty(timeline.DoubleChecks());
        Assert.Empty(timeline.CheckedByMoreThanOneNode(settled));
        await AssertOwnedAsTheShardMapSaysAsync(cluster, targets);
    }

    [Fact(Timeout = 600_000)]
    public async Task A_node_cut_from_PostgreSQL_stays_Active_keeps_its_targets_and_writes_the_results_it_buffered_once_the_database_returns()
    {
        const int total = 30;
        var database = await TestDatabase.CreateEmptyAsync();
        using var proxy = new DatabaseProxy(database);
        using var peer = new CheckCountingPeer();
        await using var cluster = new ClusterOfNodes(database, output);
        await cluster.StartAsync("direct");
        var targets = await cluster.AddTargetsAsync("direct", peer, total, Inter);
        await cluster.StartAsync("cut", proxy.ConnectionString);
        await cluster.WaitAllActiveAsync();
        await cluster.WaitSharedOutAsync(total);
        await EveryTargetCheckedAsync(peer, targets.Keys, CheckCountingPeer.Now(), 2);
        var members = await cluster.MembersAsync();
        var kept = ClusterOfNodes.OwnedBy(members["cut"], [.. members.Values], targets);
        Assert.NotEmpty(kept);
        var keptIds = kept.Select(n => targets[n]).ToArray();

        var cutAt = DateTimeOffset.UtcNow;
        var cut = CheckCountingPeer.Now();
        proxy.Cut();
        // A clock made of checks: well past Orleans' failure detection and the stale-heartbeat window, the node checks on alone.
        await EveryTargetCheckedAsync(peer, targets.Keys, cut, 15);
        var cutNode = await StatusAsync(cluster.Client("cut"));
        output.WriteLine($"the cut node's results while cut: {cutNode.GetProperty("results")}");
        Assert.True(cutNode.GetProperty("results").GetProperty("buffered").GetInt32() > 0);
        // Its silo answers the others' probes: it is still Active, with its targets, on both nodes' word.
        foreach (var asked in cluster.Running)
        {
            Assert.Equal("Active", Status(await cluster.ClusterAsync(asked), "cut"));
            await EventuallyAsync(async () => await cluster.TargetsByNodeAsync(asked) is var byNode && byNode.Values.Sum() == total && byNode.GetValueOrDefault("cut") == kept.Count,
                $"{asked} lists the cut node with its {kept.Count} targets", 60);
        }

        var restored = CheckCountingPeer.Now();
        proxy.Restore();
        var seenWhileCut = kept.Sum(n => peer.Checks()[n].Count(t => t > cut && t <= restored));
        await EventuallyAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM check_results WHERE target_id = ANY($1) AND checked_at >= $2", keptIds, cutAt) >= seenWhileCut,
            $"the {seenWhileCut} results checked while cut are written", 120);
        var settled = CheckCountingPeer.Now();
        await EveryTargetCheckedAsync(peer, targets.Keys, settled, 4);

        var timeline = new CheckTimeline(peer.Checks(), Interval);
        var written = await ScalarAsync(database, "SELECT count(*) FROM check_results WHERE target_id = ANY($1) AND checked_at >= $2", keptIds, cutAt);
        output.WriteLine(Figures($"cut: {timeline.Intervals(cut, restored):0.0} intervals cut, the cut node checked its {kept.Count} targets {seenWhileCut} times meanwhile, {written} of their results since the cut in the database after the restore; longest gap {timeline.MaxGap(cut):0.00} intervals; double checks {timeline.DoubleChecks().Count}"));
        Assert.Empty(timeline.DoubleChecks());
        Assert.Empty(timeline.CheckedByMoreThanOneNode(cut));
        Assert.Equal(0, (await StatusAsync(cluster.Client("cut"))).GetProperty("results").GetProperty("dropped").GetInt64());
        await AssertOwnedAsTheShardMapSaysAsync(cluster, targets);
    }

    /// <summary>Waits until every target was checked at least <paramref name="times"/> after <paramref name="since"/>.</summary>
    private static Task EveryTargetCheckedAsync(CheckCountingPeer peer, IEnumerable<string> names, long since, int times) =>
        EventuallyAsync(() => Task.FromResult(names.All(n => peer.CountSince(n, since) >= times)), $"every target checked {times} times", 180);

    /// <summary>Each running node checks exactly the targets the product's shard map gives it among the running nodes.</summary>
    private static async Task AssertOwnedAsTheShardMapSaysAsync(ClusterOfNodes cluster, IReadOnlyDictionary<string, long> targets)
    {
        var members = await cluster.MembersAsync();
        var expected = members.ToDictionary(m => m.Key, m => ClusterOfNodes.OwnedBy(m.Value, [.. members.Values], targets).Count, StringComparer.Ordinal);
        Assert.Equal(targets.Count, expected.Values.Sum());
        foreach (var asked in cluster.Running)
        {
            // Eventually only because a node asked for its figures may miss the 2 s limit on a loaded machine.
            await EventuallyAsync(async () => (await cluster.TargetsByNodeAsync(asked)).OrderBy(e => e.Key, StringComparer.Ordinal).SequenceEqual(expected.OrderBy(e => e.Key, StringComparer.Ordinal)),
                $"{asked} lists each node with the targets the shard map gives it: {string.Join(", ", expected)}", 60);
        }
    }

    private static string? Status(System.Text.Json.JsonElement cluster, string name) =>
        cluster.GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("name").GetString() == name).Select(n => n.GetProperty("status").GetString()).FirstOrDefault();

    /// <summary>The silo port and generation of a member id <c>ip:port@generation</c>.</summary>
    private static (int Port, int Generation) PortAndGeneration(string member)
    {
        var at = member.LastIndexOf('@');
        var colon = member.LastIndexOf(':', at);
        return (int.Parse(member[(colon + 1)..at], System.Globalization.CultureInfo.InvariantCulture), int.Parse(member[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string Figures(string line) => "FIGURES " + line;
}
