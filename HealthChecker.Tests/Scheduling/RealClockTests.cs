using HealthChecker.Core.Scheduling;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Scheduling;

/// <summary>On the system clock the loop wakes itself through its one engine timer: counts, not durations.</summary>
public sealed class RealClockTests
{
    [Fact]
    public async Task On_the_system_clock_targets_are_checked_again_and_again_without_being_pumped()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var scheduler = new TargetScheduler(new SchedulerOptions { Loops = 2, Jitter = () => 0.5 });
        var fifth = new TaskCompletionSource();
        var perTarget = new int[3];
        scheduler.CheckCompleted += r =>
        {
            int i = (int)r.Id!.Value;
            if (Interlocked.Increment(ref perTarget[i]) == 5 && perTarget.All(n => n >= 5))
            {
                fifth.TrySetResult();
            }
        };
        var inter = TimeSpan.FromMilliseconds(20);

        await scheduler.ReplaceAllAsync(
            Enumerable.Range(0, 3).Select(i => (SchedulerHarness.Target($"real/t{i}", peer.EndPoint, inter), (long?)i)).ToList());
        await fifth.Task.WaitAsync(EngineRun.TestTimeout);

        Assert.All(perTarget, n => Assert.True(n >= 5));
        Assert.All(scheduler.Snapshot(), s => Assert.Equal("UP", s.Display));
    }

    [Fact]
    public async Task Reloading_with_ids_keeps_unchanged_targets_and_updates_the_rest()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        var a = SchedulerHarness.Target("r/a", peer.EndPoint);
        var b = SchedulerHarness.Target("r/b", peer.EndPoint);
        await run.Scheduler.ReplaceAllAsync([(a, 1L), (b, 2L)]);

        var summary = await run.Scheduler.ReplaceAllAsync([(a, 1L), (b with { Rise = 5 }, 2L), (SchedulerHarness.Target("r/c", peer.EndPoint), 3L)]);
        var again = await run.Scheduler.ReplaceAllAsync([(SchedulerHarness.Target("r/c", peer.EndPoint), 3L)]);

        Assert.Equal(new ReloadSummary(1, 1, 0, 1), summary);
        Assert.Equal(new ReloadSummary(0, 0, 2, 1), again);
        Assert.Equal(3L, Assert.Single(run.Scheduler.Snapshot()).Id);
    }
}
