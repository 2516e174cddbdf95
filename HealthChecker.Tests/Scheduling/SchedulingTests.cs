using HealthChecker.Core.Health;
using HealthChecker.Core.Scheduling;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Scheduling;

/// <summary>When checks are due, asserted on a fake clock: no wall-clock waiting, exact intervals.</summary>
public sealed class SchedulingTests
{
    private static readonly TimeSpan Inter = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task The_next_check_is_counted_from_the_end_of_the_previous_one()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint, Inter));
        var first = await run.NextResultAsync();

        // The check ended at the fake "now"; time that passes before it is collected does not shift the schedule.
        Assert.Equal(first.CompletedAt + Inter, run.Scheduler.Find("a/one")!.NextCheckAt);
        await run.AdvanceAsync(Inter - TimeSpan.FromTicks(1));
        Assert.False(run.TryTakeResult(out _));
        Assert.Equal(1, run.Scheduler.Loops[0].Scheduled);
        await run.AdvanceAsync(TimeSpan.FromTicks(1));
        var second = await run.NextResultAsync();
        Assert.Equal(first.CompletedAt + Inter, second.ScheduledAt);
        Assert.Equal(TimeSpan.Zero, second.QueueDelay);
    }

    [Fact]
    public async Task A_check_started_after_its_due_time_reports_the_lateness_as_its_queue_delay()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint, Inter));
        var first = await run.NextResultAsync();

        // The loop wakes 300 ms after the due time (as a busy machine would make it): the check starts then.
        await run.AdvanceAsync(Inter + TimeSpan.FromMilliseconds(300));
        var late = await run.NextResultAsync();

        Assert.Equal(first.CompletedAt + Inter, late.ScheduledAt);
        Assert.Equal(TimeSpan.FromMilliseconds(300), late.QueueDelay);
        Assert.Equal(run.Clock.GetUtcNow(), late.ScheduledAt + late.QueueDelay);
    }

    [Theory]
    [InlineData(0.0, 1000)]
    [InlineData(0.5, 2000)]
    [InlineData(0.999999, 2999)]
    public async Task Spread_jitters_each_interval_within_plus_or_minus_the_percentage(double draw, int expectedMs)
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness(jitter: () => draw);
        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint, Inter, spread: 50));
        await run.NextResultAsync();

        var next = run.Scheduler.Find("a/one")!.NextCheckAt!.Value - run.Clock.GetUtcNow();

        Assert.Equal(expectedMs, (int)next.TotalMilliseconds);
    }

    [Fact]
    public async Task With_a_random_draw_every_interval_stays_within_the_spread_bounds()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness(jitter: Random.Shared.NextDouble);
        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint, Inter, spread: 25));
        await run.NextResultAsync();
        var intervals = new List<TimeSpan>();

        for (int i = 0; i < 20; i++)
        {
            intervals.Add(await run.AdvanceToNextCheckAsync("a/one"));
            await run.NextResultAsync();
        }

        Assert.All(intervals, i => Assert.InRange(i, TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(2500)));
        Assert.True(intervals.Distinct().Count() > 1, "the jitter drew the same interval 20 times");
    }

    [Fact]
    public async Task First_checks_of_targets_added_together_are_spread_evenly_over_the_first_interval()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness(loops: 2);
        var start = run.Clock.GetUtcNow();
        var targets = Enumerable.Range(0, 4).Select(i => (SchedulerHarness.Target($"a/t{i}", peer.EndPoint, Inter), (long?)i)).ToList();

        await run.Scheduler.AddRangeAsync(targets);
        var first = await run.NextResultAsync();

        Assert.Equal(("a/t0", start), (first.Target, first.ScheduledAt));
        for (int i = 1; i < 4; i++)
        {
            Assert.Equal(start + TimeSpan.FromMilliseconds(500 * i), run.Scheduler.Find($"a/t{i}")!.NextCheckAt);
        }
        await run.AdvanceAsync(TimeSpan.FromMilliseconds(500));
        var second = await run.NextResultAsync();
        Assert.Equal(("a/t1", start + TimeSpan.FromMilliseconds(500), 1L), (second.Target, second.ScheduledAt, second.Id!.Value));
    }

    [Fact]
    public async Task A_paused_target_is_not_checked_shows_MAINT_and_resumes_with_a_check_at_once()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness(collectLog: true);
        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint, Inter));
        await run.NextResultAsync();

        Assert.True(await run.Scheduler.PauseAsync("a/one"));
        var paused = run.Scheduler.Find("a/one")!;
        await run.AdvanceAsync(Inter * 10);

        Assert.Equal((TargetState.Maint, "MAINT", (DateTimeOffset?)null), (paused.State, paused.Display, paused.NextCheckAt));
        Assert.False(run.TryTakeResult(out _));
        Assert.Equal((0, 0, 0), (run.Scheduler.Loops[0].Scheduled, run.Scheduler.Loops[0].Queued, run.Scheduler.Loops[0].InFlight));
        Assert.Equal(1, run.Scheduler.Find("a/one")!.Checks);

        Assert.True(await run.Scheduler.ResumeAsync("a/one"));
        var resumed = await run.NextResultAsync();
        Assert.Equal(run.Clock.GetUtcNow(), resumed.ScheduledAt);
        Assert.Equal(
            [(TargetState.Up, TargetState.Maint), (TargetState.Maint, TargetState.Up)],
            run.Changes().Select(c => (c.From, c.To)));
        Assert.Equal(
            ["Target a/one is MAINT, reason: paused by the operator.", "Target a/one is UP, reason: resumed by the operator."],
            run.Sink.Events.Select(e => e.RenderMessage()));
    }

    [Fact]
    public async Task A_target_added_disabled_starts_in_MAINT_and_is_never_checked()
    {
        using var run = new SchedulerHarness();

        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/off", LoopbackPeer.ClosedPort(), enabled: false));
        await run.AdvanceAsync(Inter * 3);

        Assert.Equal("MAINT", run.Scheduler.Find("a/off")!.Display);
        Assert.False(run.TryTakeResult(out _));
    }

    [Fact]
    public async Task Changing_pausing_removing_and_adding_targets_leaves_another_targets_due_time_alone()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        await run.Scheduler.AddRangeAsync(
        [
            (SchedulerHarness.Target("a/changed", peer.EndPoint, Inter), null),
            (SchedulerHarness.Target("a/bystander", peer.EndPoint, Inter), null),
        ]);
        await run.NextResultAsync();
        var due = run.Scheduler.Find("a/bystander")!.NextCheckAt;
        Assert.Equal(run.Clock.GetUtcNow() + TimeSpan.FromSeconds(1), due);

        Assert.True(await run.Scheduler.UpdateAsync(SchedulerHarness.Target("a/changed", peer.EndPoint, TimeSpan.FromMilliseconds(100))));
        Assert.True(await run.Scheduler.PauseAsync("a/changed"));
        Assert.True(await run.Scheduler.ResumeAsync("a/changed"));
        await run.NextResultAsync();
        Assert.True(await run.Scheduler.RemoveAsync("a/changed"));
        Assert.True(await run.Scheduler.AddAsync(SchedulerHarness.Target("a/new", peer.EndPoint, TimeSpan.FromSeconds(5))));
        await run.NextResultAsync();

        Assert.Equal(due, run.Scheduler.Find("a/bystander")!.NextCheckAt);
        await run.AdvanceToNextCheckAsync("a/bystander");
        TargetCheckResultAssert.Next(await run.NextResultAsync(), "a/bystander", due!.Value);
    }

    [Fact]
    public async Task A_changed_target_checks_at_its_old_due_time_then_on_its_new_interval()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint, Inter));
        await run.NextResultAsync();
        var due = run.Scheduler.Find("a/one")!.NextCheckAt;

        await run.Scheduler.UpdateAsync(SchedulerHarness.Target("a/one", peer.EndPoint, TimeSpan.FromSeconds(7)));
        Assert.Equal(due, run.Scheduler.Find("a/one")!.NextCheckAt);
        Assert.Equal(TimeSpan.FromSeconds(7), run.Scheduler.Find("a/one")!.Definition.Inter);
        await run.AdvanceToNextCheckAsync("a/one");
        await run.NextResultAsync();

        Assert.Equal(TimeSpan.FromSeconds(7), run.Scheduler.Find("a/one")!.NextCheckAt - run.Clock.GetUtcNow());
    }

    [Fact]
    public async Task New_rise_and_fall_keep_a_target_UP_or_DOWN_as_it_was()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var refused = LoopbackPeer.ClosedPort();
        using var run = new SchedulerHarness();
        await run.Scheduler.AddRangeAsync([(SchedulerHarness.Target("a/up", peer.EndPoint, Inter), null), (SchedulerHarness.Target("a/down", refused, Inter), null)]);
        await run.NextResultAsync();
        await run.AdvanceAsync(Inter / 2);
        await run.NextResultAsync();
        Assert.Equal(("UP", "DOWN"), (run.Scheduler.Find("a/up")!.Display, run.Scheduler.Find("a/down")!.Display));
        Assert.Equal([("a/down", TargetState.Down)], run.Changes().Select(c => (c.Target, c.To)));

        await run.Scheduler.UpdateAsync(SchedulerHarness.Target("a/up", peer.EndPoint, Inter, rise: 4, fall: 1, startUp: false));
        await run.Scheduler.UpdateAsync(SchedulerHarness.Target("a/down", refused, Inter, rise: 1, fall: 5));

        Assert.Equal(("UP", "DOWN"), (run.Scheduler.Find("a/up")!.Display, run.Scheduler.Find("a/down")!.Display));
        Assert.Equal((4, 0), (run.Scheduler.Find("a/up")!.Health, run.Scheduler.Find("a/down")!.Health));
        Assert.Empty(run.Changes());
    }

    [Fact]
    public async Task Beyond_the_bound_on_checks_in_flight_due_checks_queue_and_record_their_queue_delay()
    {
        using var dropsSyn = new FullAcceptQueue();
        using var run = new SchedulerHarness(maxInFlight: 1);
        var thirty = TimeSpan.FromSeconds(30);
        await run.Scheduler.AddRangeAsync(
        [
            // Its SYN is dropped: this check holds the one slot until its own connect timeout.
            (SchedulerHarness.Target("a/slow", dropsSyn.EndPoint, thirty) with { Timeout = TimeSpan.FromSeconds(3) }, null),
            (SchedulerHarness.Target("a/quick", LoopbackPeer.ClosedPort(), thirty), null),
        ]);
        var loop = run.Scheduler.Loops[0];
        await WaitFor(() => loop.InFlight == 1);

        await run.AdvanceAsync(TimeSpan.FromSeconds(15));
        Assert.Equal((1, 1), (loop.InFlight, loop.Queued));
        await run.AdvanceAsync(TimeSpan.FromSeconds(5));

        var results = new[] { await run.NextResultAsync(), await run.NextResultAsync() };
        var slow = results.Single(r => r.Target == "a/slow");
        var quick = results.Single(r => r.Target == "a/quick");
        Assert.Equal(("L4TOUT", TimeSpan.Zero), (slow.Result.Code, slow.QueueDelay));
        // Due at 15 s, started when the slot freed, at 20 s on the test's clock; its own duration is apart.
        Assert.Equal(("L4CON", TimeSpan.FromSeconds(5)), (quick.Result.Code, quick.QueueDelay));
    }

    [Fact]
    public async Task A_loop_starts_at_most_its_budget_of_checks_per_round_and_the_rest_in_the_next_rounds()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness(maxStartsPerRound: 2);
        var inter = TimeSpan.FromSeconds(6);
        await run.Scheduler.AddRangeAsync(
            Enumerable.Range(0, 6).Select(i => (SchedulerHarness.Target($"b/t{i}", peer.EndPoint, inter), (long?)i)).ToList());
        // t0 is due at once; the others over the first interval.
        await run.NextResultAsync();
        run.Clock.Advance(inter);
        var loop = run.Scheduler.Loops[0];

        // One round, observed from the loop thread itself: six are due, two start, four wait for later rounds.
        var (started, queued) = await TargetScheduler.OnLoop(loop, () =>
        {
            long before = loop.ChecksCompleted;
            loop.Pump();
            return (loop.InFlight + (int)(loop.ChecksCompleted - before), loop.Queued);
        });

        Assert.Equal((2, 4), (started, queued));
        // The loop comes back for the rest by itself, without the clock moving.
        var results = new List<TargetCheckResult>();
        for (int i = 0; i < 6; i++)
        {
            results.Add(await run.NextResultAsync());
        }
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"b/t{i}"), results.Select(r => r.Target).Order());
        Assert.Equal((0, 0), await TargetScheduler.OnLoop(loop, () => (loop.InFlight, loop.Queued)));
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(EngineRun.TestTimeout);
        while (!condition())
        {
            await Task.Delay(10, cts.Token);
        }
    }
}

internal static class TargetCheckResultAssert
{
    public static void Next(HealthChecker.Core.Scheduling.TargetCheckResult result, string target, DateTimeOffset scheduledAt) =>
        Assert.Equal((target, scheduledAt), (result.Target, result.ScheduledAt));
}
