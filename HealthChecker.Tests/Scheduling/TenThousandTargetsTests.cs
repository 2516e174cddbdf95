using System.Diagnostics;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Scheduling;

[CollectionDefinition(nameof(ProcessWideCounts), DisableParallelization = true)]
public sealed class ProcessWideCounts
{
}

/// <summary>10 000 targets cost no thread, timer or task each: counted, alone in the process so the counts are ours.</summary>
[Collection(nameof(ProcessWideCounts))]
public sealed class TenThousandTargetsTests
{
    private const int Targets = 10_000;
    private const int Loops = 2;

    [Fact]
    public async Task Ten_thousand_targets_are_scheduled_without_a_thread_timer_or_task_per_target()
    {
        var refused = LoopbackPeer.ClosedPort();
        var inter = TimeSpan.FromSeconds(1);
        int threadsBefore = Process.GetCurrentProcess().Threads.Count;
        long timersBefore = Timer.ActiveCount;

        using var run = new SchedulerHarness(loops: Loops, maxInFlight: 500, record: false);
        var start = run.Clock.GetUtcNow();
        await run.Scheduler.AddRangeAsync(
            Enumerable.Range(0, Targets).Select(i => (SchedulerHarness.Target($"bulk/t{i}", refused, inter), (long?)i)).ToList());

        // First checks: exactly 1 000 due in each tenth of the first interval (target 0 may already have run).
        var firstDue = run.Scheduler.Snapshot().Where(s => s.Id != 0).Select(s => s.NextCheckAt!.Value - start).ToList();
        Assert.Equal(Targets - 1, firstDue.Count);
        Assert.All(firstDue, d => Assert.InRange(d, TimeSpan.Zero, inter - TimeSpan.FromTicks(1)));
        Assert.Equal(
            [999, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
            firstDue.GroupBy(d => (int)(d.TotalMilliseconds / 100)).OrderBy(g => g.Key).Select(g => g.Count()));

        long workItemsBefore = ThreadPool.CompletedWorkItemCount;
        await run.AdvanceAsync(inter - TimeSpan.FromTicks(1));
        await WaitFor(() => run.Scheduler.ChecksCompleted >= Targets);
        await run.Scheduler.PumpAsync();
        long workItems = ThreadPool.CompletedWorkItemCount - workItemsBefore;

        Assert.Equal(Targets, run.Scheduler.ChecksCompleted);
        Assert.Equal(Targets, run.Scheduler.Counts().Down);
        // One schedule heap per loop holds every target; the engines' heaps hold one wake-up each, nothing per target.
        Assert.Equal(Targets, run.Scheduler.Loops.Sum(l => l.Scheduled));
        Assert.All(run.Scheduler.Loops, l => Assert.Equal((0, 0), (l.Queued, l.InFlight)));
        // The wake-up leaves the heap for an instant while its loop runs the schedule, hence 0 or 1.
        Assert.All(run.Scheduler.Loops, l => Assert.InRange(l.Engine.TimerCount, 0, 1));
        // Upper bounds only: threads and timers of earlier tests (pool threads retiring, pools pruned)
        // may end during this one, which makes a difference negative, never large.
        Assert.True(Process.GetCurrentProcess().Threads.Count - threadsBefore <= Loops + 8);
        Assert.True(Timer.ActiveCount - timersBefore <= 4, $"{Timer.ActiveCount - timersBefore} timers more than before");
        Assert.InRange(workItems, 0, Targets / 10);
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(EngineRun.TestTimeout);
        while (!condition())
        {
            await Task.Delay(20, cts.Token);
        }
    }
}
