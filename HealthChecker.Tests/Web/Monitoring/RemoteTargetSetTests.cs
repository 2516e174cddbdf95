using HealthChecker.Core.Scheduling;
using HealthChecker.Web.Monitoring;
using static HealthChecker.Tests.Web.Support.FakeMonitorView;

namespace HealthChecker.Tests.Web.Monitoring;

/// <summary>The other nodes' targets as pulled: fresh from a node that answered, stale (last known values) from one that did not.</summary>
public sealed class RemoteTargetSetTests
{
    private static readonly TargetSnapshot ApiOnB = Target(1, "web/api", "UP");
    private static readonly TargetSnapshot DbOnB = Target(2, "web/db", "DOWN");
    private static readonly TargetSnapshot MailOnC = Target(3, "mail/smtp", "UP");

    [Fact]
    public void A_pull_lists_every_answering_node_s_targets_fresh_with_the_node_that_checks_them()
    {
        var set = RemoteTargetSet.Empty.Next([new("b@1", "node-b", [ApiOnB, DbOnB]), new("c@1", "node-c", [MailOnC])]);

        Assert.Equal(3, set.Count);
        Assert.Equal(("node-b", false), (set.Find(2)!.Node, set.Find(2)!.Stale));
        Assert.Equal("node-c", set.Find(3)!.Node);
        Assert.Same(MailOnC, set.Find(3)!.Snapshot);
        Assert.True(set.Version > RemoteTargetSet.Empty.Version);
    }

    [Fact]
    public void A_node_that_does_not_answer_keeps_its_targets_at_their_last_known_values_marked_stale()
    {
        var before = RemoteTargetSet.Empty.Next([new("b@1", "node-b", [ApiOnB, DbOnB]), new("c@1", "node-c", [MailOnC])]);

        var after = before.Next([new("b@1", "node-b", null), new("c@1", "node-c", [MailOnC])]);

        Assert.Equal(3, after.Count);
        Assert.True(after.Find(1)!.Stale);
        Assert.Same(DbOnB, after.Find(2)!.Snapshot);
        Assert.Equal("UP", after.Find(1)!.Snapshot.Display);
        Assert.False(after.Find(3)!.Stale);
        Assert.True(after.Version > before.Version);
        // Its next answer makes them fresh again.
        Assert.False(after.Next([new("b@1", "node-b", [ApiOnB, DbOnB]), new("c@1", "node-c", [MailOnC])]).Find(1)!.Stale);
    }

    [Fact]
    public void A_node_that_left_keeps_its_targets_stale_until_every_Active_node_answered()
    {
        var before = RemoteTargetSet.Empty.Next([new("b@1", "node-b", [ApiOnB, DbOnB]), new("c@1", "node-c", [MailOnC])]);

        // node-b is gone; node-c does not answer: who checks node-b's targets now is not known yet.
        var unsure = before.Next([new("c@1", "node-c", null)]);
        Assert.Equal(3, unsure.Count);
        Assert.All([unsure.Find(1)!, unsure.Find(2)!, unsure.Find(3)!], t => Assert.True(t.Stale));

        // node-c answers with one of them: it took it over; the other is no longer anyone else's (this node's own, or deleted).
        var apiOnC = Target(1, "web/api", "UP");
        var known = unsure.Next([new("c@1", "node-c", [MailOnC, apiOnC])]);
        Assert.Equal([1L, 3L], known.Targets.Select(t => t.Snapshot.Id!.Value).Order());
        Assert.Equal(("node-c", false), (known.Find(1)!.Node, known.Find(1)!.Stale));
        Assert.Same(apiOnC, known.Find(1)!.Snapshot);
    }

    [Fact]
    public void A_pull_that_changed_nothing_keeps_the_set_and_its_version()
    {
        var before = RemoteTargetSet.Empty.Next([new("b@1", "node-b", [ApiOnB, DbOnB])]);

        Assert.Same(before, before.Next([new("b@1", "node-b", [ApiOnB, DbOnB])]));
        var stale = before.AllStale();
        Assert.True(stale.Version > before.Version);
        Assert.All(stale.Targets, t => Assert.True(t.Stale));
        Assert.Same(stale, stale.AllStale());
    }

    [Fact]
    public void Counts_leave_out_the_targets_this_node_holds_itself()
    {
        var set = RemoteTargetSet.Empty.Next([new("b@1", "node-b", [ApiOnB, DbOnB]), new("c@1", "node-c", [MailOnC])]);

        Assert.Equal(new SchedulerCounts(2, 1, 1, 0, 0), set.CountsExcept(t => t.Snapshot.Id == 3));
    }
}
