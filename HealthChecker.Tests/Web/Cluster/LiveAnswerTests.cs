using HealthChecker.Tests.Support;
using HealthChecker.Web.Cluster;

namespace HealthChecker.Tests.Web.Cluster;

/// <summary>What a node sends another on each pull, from its real scheduler: every target once, then only those checked since.</summary>
public sealed class LiveAnswerTests
{
    [Fact]
    public async Task A_second_pull_with_nothing_checked_since_sends_no_target_and_the_reader_still_lists_them_all()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint), id: 1);
        await run.Scheduler.AddAsync(SchedulerHarness.Target("b/two", peer.EndPoint, inter: TimeSpan.FromMinutes(1)), id: 2);
        await run.NextResultAsync();
        await run.NextResultAsync();
        var reader = new LiveTargetReader();

        var first = LiveAnswer.From(run.Scheduler.PublishedSince(reader.CursorOf("b@1")?.ToCursor()));
        Assert.Equal(2, first.Targets.Length);
        Assert.Equal(2, reader.ReadAll([("b@1", first)])[0]!.Count);

        var second = LiveAnswer.From(run.Scheduler.PublishedSince(reader.CursorOf("b@1")?.ToCursor()));
        Assert.Empty(second.Targets);
        Assert.Equal(2, reader.ReadAll([("b@1", second)])[0]!.Count);

        await run.AdvanceToNextCheckAsync("a/one");
        await run.NextResultAsync();
        var third = LiveAnswer.From(run.Scheduler.PublishedSince(reader.CursorOf("b@1")?.ToCursor()));
        Assert.Equal([1L], third.Targets.Select(t => t.Id));
        var listed = reader.ReadAll([("b@1", third)])[0]!;
        Assert.Equal([(1L, 2L), (2L, 1L)], listed.OrderBy(t => t.Id).Select(t => (t.Id!.Value, t.Checks)));
    }
}
