using HealthChecker.Core.Checks;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Targets;
using HealthChecker.Web.Cluster;

namespace HealthChecker.Tests.Web.Cluster;

/// <summary>A target as one node sends it and another reads it back.</summary>
public sealed class LiveTargetReaderTests
{
    [Fact]
    public void A_sent_target_reads_back_with_its_definition_state_last_result_and_recent_checks()
    {
        var sent = Snapshot(checks: 7);
        var read = new LiveTargetReader().ReadAll([("b@1", Full(LiveTarget.From(sent, 42)))])[0]!.Single();

        Assert.Equal(sent.Definition, read.Definition);
        Assert.Equal((42L, "web/api", sent.State, sent.Display, 7L), (read.Id!.Value, read.Target, read.State, read.Display, read.Checks));
        Assert.Equal(sent.LastResult, read.LastResult);
        Assert.Equal(sent.Recent, read.Recent);
    }

    [Fact]
    public void An_unchanged_target_reads_as_the_same_snapshot_and_a_new_check_as_a_new_one()
    {
        var reader = new LiveTargetReader();
        var first = reader.ReadAll([("b@1", Full(LiveTarget.From(Snapshot(checks: 7), 42)))])[0]!.Single();

        Assert.Same(first, reader.ReadAll([("b@1", Full(LiveTarget.From(Snapshot(checks: 7), 42)))])[0]!.Single());
        var next = reader.ReadAll([("b@1", Full(LiveTarget.From(Snapshot(checks: 8), 42)))])[0]!.Single();
        Assert.NotSame(first, next);
        Assert.Same(first.Definition, next.Definition);
        Assert.Null(reader.ReadAll([("b@1", null)])[0]);
    }

    [Fact]
    public void A_partial_answer_changes_only_the_targets_it_carries_and_the_next_pull_gives_its_cursor()
    {
        var reader = new LiveTargetReader();
        var cursor = new LiveCursor(1, 1, [5]);
        var first = reader.ReadAll([("b@1", new LiveAnswer(cursor, true, [LiveTarget.From(Snapshot(checks: 7), 42), LiveTarget.From(Snapshot(checks: 3, id: 43), 43)]))])[0]!;
        Assert.Same(cursor, reader.CursorOf("b@1"));

        var moved = new LiveCursor(1, 1, [6]);
        var after = reader.ReadAll([("b@1", new LiveAnswer(moved, false, [LiveTarget.From(Snapshot(checks: 4, id: 43), 43)]))])[0]!;

        Assert.Equal([7L, 4L], after.OrderBy(t => t.Id).Select(t => t.Checks));
        Assert.Same(first.Single(t => t.Id == 42), after.Single(t => t.Id == 42));
        Assert.Same(moved, reader.CursorOf("b@1"));
        // Nothing moved: nothing sent, everything kept.
        Assert.Equal(2, reader.ReadAll([("b@1", new LiveAnswer(moved, false, []))])[0]!.Count);
    }

    [Fact]
    public void A_node_that_does_not_answer_keeps_its_cursor_and_a_node_no_longer_pulled_is_forgotten()
    {
        var reader = new LiveTargetReader();
        var cursor = new LiveCursor(1, 1, [5]);
        reader.ReadAll([("b@1", new LiveAnswer(cursor, true, [LiveTarget.From(Snapshot(checks: 7), 42)])), ("c@1", Full())]);

        reader.ReadAll([("b@1", null), ("c@1", Full())]);
        Assert.Same(cursor, reader.CursorOf("b@1"));

        reader.ReadAll([("c@1", Full())]);
        Assert.Null(reader.CursorOf("b@1"));
        Assert.Equal(1, reader.Nodes);
    }

    private static LiveAnswer Full(params LiveTarget[] targets) => new(new LiveCursor(1, 1, [0]), true, targets);

    private static TargetSnapshot Snapshot(long checks, long id = 42)
    {
        var definition = TargetValidator.Validate(new TargetDraft { Name = "web/api", Check = "http://127.0.0.1:8080/health", Rise = "3" }).Definition!;
        var at = new DateTimeOffset(2026, 12, 3, 14, 0, 0, TimeSpan.Zero);
        var last = new RecentCheck(CheckStatus.L7Ok, "", 200, 12, at, TimeSpan.FromMilliseconds(1), at.AddMilliseconds(13),
            Core.Health.TargetState.Up, "UP");
        return new TargetSnapshot(id == 42 ? "web/api" : $"web/api{id}", id, definition, Core.Health.TargetState.Up, "UP", 5, last, at.AddMinutes(-3), at.AddSeconds(2),
            [last, last with { }], checks);
    }
}
