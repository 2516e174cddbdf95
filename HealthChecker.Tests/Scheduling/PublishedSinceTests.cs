using HealthChecker.Core.Scheduling;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Scheduling;

/// <summary>What a reader that keeps a cursor gets from the scheduler: every target once, then only the targets published since.</summary>
public sealed class PublishedSinceTests
{
    [Fact]
    public async Task A_read_with_the_cursor_of_the_one_before_carries_only_the_targets_published_since()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint));
        await run.Scheduler.AddAsync(SchedulerHarness.Target("b/two", peer.EndPoint, inter: TimeSpan.FromMinutes(1)));
        await run.NextResultAsync();
        await run.NextResultAsync();

        var first = run.Scheduler.PublishedSince(null);
        Assert.True(first.Full);
        Assert.Equal(["a/one", "b/two"], first.Targets.Select(t => t.Target).Order(StringComparer.Ordinal));

        // Nothing checked since: nothing to send.
        var second = run.Scheduler.PublishedSince(first.Cursor);
        Assert.False(second.Full);
        Assert.Empty(second.Targets);

        await run.AdvanceToNextCheckAsync("a/one");
        await run.NextResultAsync();
        var third = run.Scheduler.PublishedSince(second.Cursor);
        Assert.False(third.Full);
        var moved = Assert.Single(third.Targets);
        Assert.Equal(("a/one", 2L), (moved.Target, moved.Checks));
        Assert.Empty(run.Scheduler.PublishedSince(third.Cursor).Targets);
    }

    [Fact]
    public async Task A_target_added_or_removed_since_or_a_cursor_of_another_scheduler_brings_every_target_again()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint));
        await run.NextResultAsync();
        var cursor = run.Scheduler.PublishedSince(null).Cursor;

        await run.Scheduler.AddAsync(SchedulerHarness.Target("b/two", peer.EndPoint));
        var afterAdd = run.Scheduler.PublishedSince(cursor);
        Assert.True(afterAdd.Full);
        Assert.Equal(2, afterAdd.Targets.Count);

        await run.Scheduler.RemoveAsync("a/one");
        var afterRemove = run.Scheduler.PublishedSince(afterAdd.Cursor);
        Assert.True(afterRemove.Full);
        Assert.Equal("b/two", Assert.Single(afterRemove.Targets).Target);

        // Another scheduler (the owner's engine started again) counts from zero: the cursor means nothing to it.
        using var other = new SchedulerHarness();
        Assert.True(other.Scheduler.PublishedSince(afterRemove.Cursor).Full);
    }
}
