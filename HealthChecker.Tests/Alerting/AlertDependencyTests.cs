using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Health;

namespace HealthChecker.Tests.Alerting;

/// <summary>depends-on in the evaluator's decisions, fed observations and times directly: held back while the parent is DOWN, sent once it is not.</summary>
public sealed class AlertDependencyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static AlertBook Book(TimeSpan? wait = null)
    {
        var book = new AlertBook();
        book.Apply(new AlertSettings(
            [new ChannelDefinition("ops", ChannelKind.Webhook, new Uri("http://127.0.0.1:1/"), [], null)],
            [new AlertRule("r", "shop/*", ["ops"], TimeSpan.Zero, null, true, wait ?? TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1))]), T0);
        return book;
    }

    private static TargetObservation Seen(string target, TargetState state, DateTimeOffset at, string? dependsOn = null)
    {
        var parts = target.Split('/');
        return new TargetObservation(parts[0], parts[1], 7, state, at, state == TargetState.Down ? "L4CON" : "L4OK", null, "Layer4 check") { DependsOn = dependsOn };
    }

    private static List<AlertDecision> RunUntil(AlertBook book, DateTimeOffset to)
    {
        var all = new List<AlertDecision>();
        while (book.NextDue is { } due && due <= to)
        {
            all.AddRange(book.Due(due));
        }

        return all;
    }

    private static List<string> Firing(AlertDecision d) => [.. d.Message!.Alerts.Where(a => a.Firing).Select(a => a.Target)];

    [Fact]
    public void Parent_and_dependant_down_in_the_same_group_wait_send_only_the_parent()
    {
        var book = Book();
        // The dependant's check happens to settle first.
        book.Observe(Seen("shop/api", TargetState.Down, T0, dependsOn: "shop/db"), T0);
        book.Observe(Seen("shop/db", TargetState.Down, T0.AddSeconds(2)), T0.AddSeconds(2));

        var sent = Assert.Single(RunUntil(book, T0.AddMinutes(10)));

        Assert.Equal(["shop/db"], Firing(sent));
        Assert.Equal(["shop/db"], sent.Notified.Select(n => n.Target));
        var held = Assert.Single(book.Held.Values);
        Assert.Equal(("shop/api", "shop/db", T0), (held.Target, held.Parent, held.Since));
        Assert.Equal("alert suppressed: depends on shop/db, which is DOWN", held.Reason);
    }

    [Fact]
    public void A_dependant_going_down_while_its_parent_is_down_is_not_alerted()
    {
        var book = Book(wait: TimeSpan.Zero);
        book.Observe(Seen("shop/db", TargetState.Down, T0), T0);
        Assert.Single(RunUntil(book, T0));

        book.Observe(Seen("shop/api", TargetState.Down, T0.AddMinutes(5), dependsOn: "shop/db"), T0.AddMinutes(5));

        Assert.Empty(RunUntil(book, T0.AddHours(1)));
        Assert.Equal("shop/db", book.Held["shop/api"].Parent);
    }

    [Fact]
    public void A_dependant_still_down_when_its_parent_is_up_again_alerts_after_group_wait()
    {
        var book = Book();
        book.Observe(Seen("shop/db", TargetState.Down, T0), T0);
        book.Observe(Seen("shop/api", TargetState.Down, T0, dependsOn: "shop/db"), T0);
        Assert.Equal(["shop/db"], Firing(Assert.Single(RunUntil(book, T0.AddMinutes(5)))));

        var up = T0.AddMinutes(5);
        book.Observe(Seen("shop/db", TargetState.Up, up), up);
        var after = RunUntil(book, up.AddMinutes(5));

        var next = Assert.Single(after);
        // One message: the parent's resolution and the dependant's alert, at the group's next turn (its group-interval is long past).
        Assert.Equal(up, next.Message!.CreatedAt);
        Assert.Equal(["shop/api"], Firing(next));
        Assert.Contains(next.Message.Alerts, a => a.Target == "shop/db" && !a.Firing);
        Assert.Empty(book.Held);
    }

    [Fact]
    public void A_quiet_group_released_by_its_parent_waits_group_wait()
    {
        var book = Book(wait: TimeSpan.FromSeconds(10));
        book.Observe(Seen("net/switch", TargetState.Down, T0), T0);
        book.Observe(Seen("shop/api", TargetState.Down, T0, dependsOn: "net/switch"), T0);
        Assert.Empty(RunUntil(book, T0.AddMinutes(5)));

        var up = T0.AddMinutes(5);
        book.Observe(Seen("net/switch", TargetState.Up, up), up);

        Assert.Empty(book.Due(up.AddSeconds(9)));
        var sent = Assert.Single(RunUntil(book, up.AddMinutes(1)));
        Assert.Equal(up.AddSeconds(10), sent.Message!.CreatedAt);
        Assert.Equal(["shop/api"], Firing(sent));
    }

    [Fact]
    public void A_dependant_up_again_before_its_parent_is_never_alerted()
    {
        var book = Book(wait: TimeSpan.Zero);
        book.Observe(Seen("net/switch", TargetState.Down, T0), T0);
        book.Observe(Seen("shop/api", TargetState.Down, T0, dependsOn: "net/switch"), T0);
        book.Observe(Seen("shop/api", TargetState.Up, T0.AddMinutes(1), dependsOn: "net/switch"), T0.AddMinutes(1));
        book.Observe(Seen("net/switch", TargetState.Up, T0.AddMinutes(2)), T0.AddMinutes(2));

        Assert.Empty(RunUntil(book, T0.AddHours(1)));
        Assert.Empty(book.Held);
    }

    [Fact]
    public void A_dependant_alerted_before_its_parent_went_down_stays_alerted_and_resolves()
    {
        var book = Book(wait: TimeSpan.Zero);
        book.Observe(Seen("shop/api", TargetState.Down, T0, dependsOn: "shop/db"), T0);
        Assert.Equal(["shop/api"], Firing(Assert.Single(RunUntil(book, T0))));

        book.Observe(Seen("shop/db", TargetState.Down, T0.AddMinutes(1)), T0.AddMinutes(1));
        book.Observe(Seen("shop/api", TargetState.Up, T0.AddMinutes(2), dependsOn: "shop/db"), T0.AddMinutes(2));
        var sent = RunUntil(book, T0.AddMinutes(10));

        Assert.Contains(sent, d => d.Notified.Any(n => n.Target == "shop/api" && !n.Down));
    }

    [Fact]
    public void A_cycle_of_dependencies_holds_nothing_back()
    {
        var book = Book(wait: TimeSpan.Zero);
        book.Observe(Seen("shop/a", TargetState.Down, T0, dependsOn: "shop/b"), T0);
        book.Observe(Seen("shop/b", TargetState.Down, T0, dependsOn: "shop/a"), T0);

        var sent = Assert.Single(RunUntil(book, T0));

        Assert.Equal(["shop/a", "shop/b"], Firing(sent));
    }

    [Fact]
    public void A_dependency_on_an_unknown_target_holds_nothing_back()
    {
        var book = Book(wait: TimeSpan.Zero);
        book.Observe(Seen("shop/api", TargetState.Down, T0, dependsOn: "gone/db"), T0);

        Assert.Equal(["shop/api"], Firing(Assert.Single(RunUntil(book, T0))));
    }
}
