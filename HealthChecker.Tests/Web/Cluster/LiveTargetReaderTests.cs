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
        var read = new LiveTargetReader().ReadAll([[LiveTarget.From(sent, 42)]])[0]!.Single();

        Assert.Equal(sent.Definition, read.Definition);
        Assert.Equal((42L, "web/api", sent.State, sent.Display, 7L), (read.Id!.Value, read.Target, read.State, read.Display, read.Checks));
        Assert.Equal(sent.LastResult, read.LastResult);
        Assert.Equal(sent.Recent, read.Recent);
    }

    [Fact]
    public void An_unchanged_target_reads_as_the_same_snapshot_and_a_new_check_as_a_new_one()
    {
        var reader = new LiveTargetReader();
        var first = reader.ReadAll([[LiveTarget.From(Snapshot(checks: 7), 42)]])[0]!.Single();

        Assert.Same(first, reader.ReadAll([[LiveTarget.From(Snapshot(checks: 7), 42)]])[0]!.Single());
        var next = reader.ReadAll([[LiveTarget.From(Snapshot(checks: 8), 42)]])[0]!.Single();
        Assert.NotSame(first, next);
        Assert.Same(first.Definition, next.Definition);
        Assert.Null(reader.ReadAll([null])[0]);
    }

    private static TargetSnapshot Snapshot(long checks)
    {
        var definition = TargetValidator.Validate(new TargetDraft { Name = "web/api", Check = "http://127.0.0.1:8080/health", Rise = "3" }).Definition!;
        var at = new DateTimeOffset(2026, 12, 3, 14, 0, 0, TimeSpan.Zero);
        var last = new RecentCheck(CheckStatus.L7Ok, "", 200, 12, at, TimeSpan.FromMilliseconds(1), at.AddMilliseconds(13),
            Core.Health.TargetState.Up, "UP");
        return new TargetSnapshot("web/api", 42, definition, Core.Health.TargetState.Up, "UP", 5, last, at.AddMinutes(-3), at.AddSeconds(2),
            [last, last with { }], checks);
    }
}
