using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Scheduling;

/// <summary>The one reconciler: adds, changes, removes, and leaves what is unchanged alone.</summary>
public sealed class ReconcileTests
{
    [Fact]
    public async Task Adds_changes_and_removes_what_differs_and_leaves_unchanged_targets_alone()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        var kept = SchedulerHarness.Target("r/kept", peer.EndPoint);
        var edited = SchedulerHarness.Target("r/edited", peer.EndPoint);
        var dropped = SchedulerHarness.Target("r/dropped", peer.EndPoint);
        await run.Scheduler.ReconcileAsync([(kept, 1L), (edited, 2L), (dropped, 3L)], _ => true);

        var fresh = SchedulerHarness.Target("r/fresh", peer.EndPoint);
        // Equal but not the same instance: compared by value, so left alone.
        var done = await run.Scheduler.ReconcileAsync([(kept with { }, 1L), (edited with { Fall = 7 }, 2L), (fresh, 4L)], _ => true);

        Assert.Equal(new ReloadSummary(1, 1, 1, 1), done.Summary);
        Assert.Equal((fresh, (long?)4L), Assert.Single(done.Added));
        Assert.Equal(3L, Assert.Single(done.Removed).Id);
        // Not updated: it still runs the very definition it was added with.
        Assert.Same(kept, run.Scheduler.Find("r/kept")!.Definition);
        Assert.Equal(7, run.Scheduler.Find("r/edited")!.Definition.Fall);
        Assert.Equal(["r/edited", "r/fresh", "r/kept"], run.Scheduler.Snapshot().Select(s => s.Target).Order());
    }

    [Fact]
    public async Task Leaves_targets_outside_its_scope_in_place()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        var a = SchedulerHarness.Target("r/a", peer.EndPoint);
        var b = SchedulerHarness.Target("r/b", peer.EndPoint);
        await run.Scheduler.ReconcileAsync([(a, 1L), (b, 2L)], _ => true);

        var done = await run.Scheduler.ReconcileAsync([], s => s.Id == 2L);

        Assert.Equal(new ReloadSummary(0, 0, 1, 0), done.Summary);
        Assert.Equal(1L, Assert.Single(run.Scheduler.Snapshot()).Id);
    }

    [Fact]
    public async Task A_name_taken_over_by_another_id_is_replaced_not_updated()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        var a = SchedulerHarness.Target("r/a", peer.EndPoint);
        await run.Scheduler.ReconcileAsync([(a, 1L)], _ => true);
        IReadOnlyList<(TargetDefinition Definition, long? Id)>? seen = null;

        var done = await run.Scheduler.ReconcileAsync([(a, 2L)], s => s.Id == 2L, added => seen = added);

        Assert.Equal(1L, Assert.Single(done.Removed).Id);
        Assert.Equal([(a, (long?)2L)], seen);
        Assert.Equal(2L, Assert.Single(run.Scheduler.Snapshot()).Id);
    }
}
