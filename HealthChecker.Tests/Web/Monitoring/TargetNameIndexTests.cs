using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Web.Monitoring;

namespace HealthChecker.Tests.Web.Monitoring;

public sealed class TargetNameIndexTests
{
    [Fact]
    public void Names_are_in_group_then_name_order_and_a_page_starts_just_after_its_key_even_a_key_of_no_target()
    {
        var index = new TargetNameIndex(7, [Snapshot("web/b"), Snapshot("db/z"), Snapshot("web/a"), Snapshot("web-x/a"), Snapshot("Web/c")]);

        Assert.Equal(7, index.Membership);
        // Ordinal: "Web" < "db" < "web" < "web-x"; by group first, so "web/b" comes before "web-x/a".
        Assert.Equal(["Web/c", "db/z", "web/a", "web/b", "web-x/a"], Enumerable.Range(0, index.Count).Select(i => index[i]));
        Assert.Equal(3, index.FirstAfter(new TargetKey("web", "a")));
        Assert.Equal(3, index.FirstAfter(new TargetKey("web", "a0")));
        Assert.Equal(0, index.FirstAfter(new TargetKey("A", "a")));
        Assert.Equal(5, index.FirstAfter(new TargetKey("web-x", "a")));
        Assert.Equal(0, TargetNameIndex.Empty.FirstAfter(new TargetKey("web", "a")));
    }

    private static TargetSnapshot Snapshot(string fullName)
    {
        var definition = TargetValidator.Validate(new TargetDraft { Name = fullName, Check = "tcp://127.0.0.1:80" }).Definition!;
        return new TargetSnapshot(fullName, null, definition, Core.Health.TargetState.Up, "UP", 0, null, DateTimeOffset.UnixEpoch, null, [], 0);
    }
}
