using HealthChecker.Core.Health;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Scheduling;

/// <summary>
/// Targets added with the state and the last check the store has of them (after a restart, or taken over from another
/// node): they go on from there, on a fake clock, with real checks against loopback listeners that count connections.
/// </summary>
public sealed class ResumeTests
{
    private static readonly TimeSpan Inter = TimeSpan.FromSeconds(2);

    private static Dictionary<long, ResumedHealth> Resumed(TargetState state, DateTimeOffset? lastCheckAt) => new() { [1] = new(state, lastCheckAt) };

    [Fact]
    public async Task A_target_checked_recently_elsewhere_is_first_checked_one_interval_after_that_check_not_at_once()
    {
        // A banner check completes the handshake, so the peer's accept counts every check (a connect-only one resets first).
        using var peer = new LoopbackPeer(PeerBehaviour.BannerThenClose);
        using var run = new SchedulerHarness();
        var last = run.Clock.GetUtcNow() - TimeSpan.FromMilliseconds(500);
        var banner = SchedulerHarness.Validated(new TargetDraft
        {
            Name = "a/one",
            Check = $"tcp://127.0.0.1:{peer.Port}",
            Steps = [new StepDraft("expect", "220")],
            Inter = "2s",
        });

        await run.Scheduler.AddRangeAsync([(banner, 1)], Resumed(TargetState.Up, last));

        Assert.Equal(last + Inter, run.Scheduler.Find("a/one")!.NextCheckAt);
        await run.AdvanceAsync(Inter - TimeSpan.FromMilliseconds(500) - TimeSpan.FromTicks(1));
        Assert.False(run.TryTakeResult(out _));
        Assert.Equal((0L, 0), (run.Scheduler.ChecksCompleted, Volatile.Read(ref peer.Accepted)));

        await run.AdvanceAsync(TimeSpan.FromTicks(1));
        var first = await run.NextResultAsync();
        Assert.Equal(last + Inter, first.ScheduledAt);
        await HistoryRows.EventuallyAsync(() => Volatile.Read(ref peer.Accepted) == 1, "the peer accepted the first check");
        Assert.Equal(1L, run.Scheduler.ChecksCompleted);
    }

    [Fact]
    public async Task A_DOWN_target_checked_recently_waits_for_its_down_interval()
    {
        using var run = new SchedulerHarness();
        var last = run.Clock.GetUtcNow() - TimeSpan.FromSeconds(1);
        var target = SchedulerHarness.Target("a/one", LoopbackPeer.ClosedPort(), Inter, downInter: TimeSpan.FromSeconds(5));

        await run.Scheduler.AddRangeAsync([(target, 1)], Resumed(TargetState.Down, last));

        Assert.Equal(last + TimeSpan.FromSeconds(5), run.Scheduler.Find("a/one")!.NextCheckAt);
    }

    [Fact]
    public async Task A_target_whose_last_check_is_older_than_its_interval_is_checked_at_once()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        using var run = new SchedulerHarness();
        var now = run.Clock.GetUtcNow();

        await run.Scheduler.AddRangeAsync([(SchedulerHarness.Target("a/one", peer.EndPoint, Inter), 1)], Resumed(TargetState.Up, now - Inter * 5));

        var first = await run.NextResultAsync();
        Assert.Equal(now, first.ScheduledAt);
    }

    [Fact]
    public async Task Overdue_resumed_targets_are_all_checked_at_once_not_spread_over_a_new_interval()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        using var run = new SchedulerHarness();
        var now = run.Clock.GetUtcNow();
        // Taken over from a node that died: their due times passed while the others noticed it.
        var lags = new[] { 2.1, 2.5, 3.0, 3.9 };
        var targets = lags.Select((_, i) => (SchedulerHarness.Target($"a/t{i}", peer.EndPoint, Inter), (long?)(i + 1))).ToList();
        var resumed = lags.Select((lag, i) => (Id: (long)(i + 1), From: new ResumedHealth(TargetState.Up, now - TimeSpan.FromSeconds(lag))))
            .ToDictionary(r => r.Id, r => r.From);

        await run.Scheduler.AddRangeAsync(targets, resumed);

        // The clock does not move: every one of them is checked now.
        var results = new List<TargetCheckResult>();
        for (int i = 0; i < lags.Length; i++)
        {
            results.Add(await run.NextResultAsync());
        }
        Assert.Equal(lags.Select((_, i) => $"a/t{i}"), results.Select(r => r.Target).Order());
        Assert.All(results, r => Assert.Equal(now, r.ScheduledAt));
    }

    [Fact]
    public async Task After_its_catch_up_check_an_overdue_target_keeps_its_old_grid_at_least_half_an_interval_later_then_goes_on_normally()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        using var run = new SchedulerHarness();
        var now = run.Clock.GetUtcNow();
        // Last checks (inter 2 s) and so missed due times 0.9 s, 1.2 s and 3.5 s ago: the grid points after now are
        // 1.1 s, 0.8 s and 0.5 s away; the last two are closer than half an interval to the catch-up check, so one more step.
        var last = new Dictionary<long, ResumedHealth>
        {
            [1] = new(TargetState.Up, now - TimeSpan.FromSeconds(2.9)),
            [2] = new(TargetState.Up, now - TimeSpan.FromSeconds(3.2)),
            [3] = new(TargetState.Up, now - TimeSpan.FromSeconds(5.5)),
        };
        var expected = new Dictionary<string, TimeSpan>
        {
            ["a/one"] = TimeSpan.FromSeconds(1.1),
            ["a/two"] = TimeSpan.FromSeconds(2.8),
            ["a/three"] = TimeSpan.FromSeconds(2.5),
        };

        await run.Scheduler.AddRangeAsync(
            [(SchedulerHarness.Target("a/one", peer.EndPoint, Inter), 1), (SchedulerHarness.Target("a/two", peer.EndPoint, Inter), 2),
             (SchedulerHarness.Target("a/three", peer.EndPoint, Inter), 3)], last);
        for (int i = 0; i < expected.Count; i++)
        {
            await run.NextResultAsync();
        }

        Assert.Equal(expected.ToDictionary(e => e.Key, e => (DateTimeOffset?)(now + e.Value)),
            run.Scheduler.Snapshot().ToDictionary(s => s.Target, s => s.NextCheckAt));

        // Each next check on its grid, then an interval from the end of that check, as for any target.
        foreach (var (name, delay) in expected.OrderBy(e => e.Value))
        {
            Assert.Equal(now + delay - run.Clock.GetUtcNow(), await run.AdvanceToNextCheckAsync(name));
            var onGrid = await run.NextResultAsync();
            Assert.Equal((name, now + delay), (onGrid.Target, onGrid.ScheduledAt));
            Assert.Equal(onGrid.CompletedAt + Inter, run.Scheduler.Find(name)!.NextCheckAt);
        }
    }

    [Fact]
    public async Task With_overdue_targets_checked_at_once_a_target_not_yet_due_still_waits_for_its_due_time()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        using var run = new SchedulerHarness();
        var now = run.Clock.GetUtcNow();
        var last = new Dictionary<long, ResumedHealth>
        {
            // Due 0.2 s ago, so next on its grid 1.8 s from now: after the other one's due time.
            [1] = new(TargetState.Up, now - TimeSpan.FromSeconds(2.2)),
            [2] = new(TargetState.Up, now - TimeSpan.FromSeconds(0.5)),
        };

        await run.Scheduler.AddRangeAsync(
            [(SchedulerHarness.Target("a/late", peer.EndPoint, Inter), 1), (SchedulerHarness.Target("a/recent", peer.EndPoint, Inter), 2)], last);

        var first = await run.NextResultAsync();
        Assert.Equal(("a/late", now), (first.Target, first.ScheduledAt));
        Assert.Equal(now + TimeSpan.FromSeconds(1.5), run.Scheduler.Find("a/recent")!.NextCheckAt);
        await run.AdvanceAsync(TimeSpan.FromSeconds(1.5) - TimeSpan.FromTicks(1));
        Assert.False(run.TryTakeResult(out _));

        await run.AdvanceAsync(TimeSpan.FromTicks(1));
        var recent = await run.NextResultAsync();
        Assert.Equal(("a/recent", now + TimeSpan.FromSeconds(1.5)), (recent.Target, recent.ScheduledAt));
    }

    [Fact]
    public async Task A_resumed_UP_target_stays_UP_through_fall_minus_one_failures_and_changes_only_at_the_last()
    {
        using var run = new SchedulerHarness();
        await run.Scheduler.AddRangeAsync([(SchedulerHarness.Target("a/one", LoopbackPeer.ClosedPort(), Inter, fall: 3), 1)], Resumed(TargetState.Up, null));

        var first = await run.NextResultAsync();
        await run.AdvanceToNextCheckAsync("a/one");
        var second = await run.NextResultAsync();
        // At full health, as after a full rise: a new target (health = rise) would have gone DOWN on the first failure.
        Assert.Equal([(TargetState.Up, "UP 2/3"), (TargetState.Up, "UP 1/3")], new[] { (first.State, first.Display), (second.State, second.Display) });
        Assert.Empty(run.Changes());

        await run.AdvanceToNextCheckAsync("a/one");
        var third = await run.NextResultAsync();
        Assert.Equal(TargetState.Down, third.State);
        Assert.Equal([(TargetState.Up, TargetState.Down)], run.Changes().Select(c => (c.From, c.To)));
    }

    [Fact]
    public async Task A_resumed_DOWN_target_starts_DOWN_and_rises_after_rise_passes()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        using var run = new SchedulerHarness();
        await run.Scheduler.AddRangeAsync([(SchedulerHarness.Target("a/one", peer.EndPoint, Inter, rise: 2), 1)], Resumed(TargetState.Down, null));

        var first = await run.NextResultAsync();
        // A new target would start UP and stay UP on a pass: this one starts DOWN and counts its first pass.
        Assert.Equal((TargetState.Down, "DOWN 1/2"), (first.State, first.Display));
        Assert.Empty(run.Changes());

        await run.AdvanceToNextCheckAsync("a/one");
        var second = await run.NextResultAsync();
        Assert.Equal(TargetState.Up, second.State);
        Assert.Equal([(TargetState.Down, TargetState.Up)], run.Changes().Select(c => (c.From, c.To)));
    }
}
