using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Health;

namespace HealthChecker.Tests.Alerting;

/// <summary>The evaluator's decisions, fed observations and times directly: matching, after, grouping, repeat, resolution, MAINT, restart.</summary>
public sealed class AlertBookTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static AlertRule Rule(string targets = "shop/*", TimeSpan? after = null, TimeSpan? repeat = null, bool resolved = true,
        TimeSpan? wait = null, TimeSpan? interval = null, string name = "r", params string[] channels) =>
        new(name, targets, channels.Length > 0 ? channels : ["ops"], after ?? TimeSpan.Zero, repeat, resolved,
            wait ?? TimeSpan.FromSeconds(10), interval ?? TimeSpan.FromMinutes(1));

    private static AlertSettings Settings(params AlertRule[] rules) => new(
        [new ChannelDefinition("ops", ChannelKind.Webhook, new Uri("http://127.0.0.1:1/"), [], null),
         new ChannelDefinition("mail", ChannelKind.Webhook, new Uri("http://127.0.0.1:2/"), [], null)],
        rules);

    private static TargetObservation Seen(string target, TargetState state, DateTimeOffset at)
    {
        var parts = target.Split('/');
        return new TargetObservation(parts[0], parts[1], 7, state, at, state == TargetState.Down ? "L4CON" : "L4OK",
            state == TargetState.Down ? "Connection refused" : null, "Layer4 check");
    }

    private static AlertBook Book(params AlertRule[] rules)
    {
        var book = new AlertBook();
        book.Apply(Settings(rules), T0);
        return book;
    }

    /// <summary>Runs the book from <paramref name="from"/> to <paramref name="to"/>, at each time it asks for.</summary>
    private static List<AlertDecision> RunUntil(AlertBook book, DateTimeOffset to)
    {
        var all = new List<AlertDecision>();
        while (book.NextDue is { } due && due <= to)
        {
            all.AddRange(book.Due(due));
        }

        return all;
    }

    [Theory]
    [InlineData("shop", "shop", "api", true)]
    [InlineData("shop", "shopping", "api", false)]
    [InlineData("shop/*", "shop", "api", true)]
    [InlineData("shop/*", "web", "api", false)]
    [InlineData("*/db-?", "shop", "db-1", true)]
    [InlineData("*/db-?", "shop", "db-10", false)]
    [InlineData("shop-*", "shop-eu", "x", true)]
    public void A_rule_names_a_group_or_a_group_and_name_glob(string pattern, string group, string name, bool matches) =>
        Assert.Equal(matches, TargetPattern.Matches(pattern, group, name));

    [Fact]
    public void A_thousand_targets_down_in_the_same_second_are_one_message_per_channel_after_group_wait()
    {
        var book = Book(Rule(channels: ["ops", "mail"]));
        for (int i = 0; i < 1000; i++)
        {
            book.Observe(Seen($"shop/t{i:D4}", TargetState.Down, T0.AddMilliseconds(i)), T0.AddMilliseconds(i));
        }

        Assert.Empty(book.Due(T0.AddSeconds(9)));
        var sent = RunUntil(book, T0.AddMinutes(5));

        Assert.Equal(2, sent.Count);
        Assert.Equal(["mail", "ops"], sent.Select(d => d.Message!.Channel).Order());
        Assert.All(sent, d => Assert.Equal(1000, d.Message!.FiringCount));
        Assert.All(sent, d => Assert.Equal(T0.AddSeconds(10).AddMilliseconds(0), d.Message!.CreatedAt));
        Assert.All(sent, d => Assert.Equal(1000, d.Notified.Count(n => n.Down)));
    }

    [Fact]
    public void Changes_after_the_first_message_are_batched_every_group_interval()
    {
        var book = Book(Rule());
        book.Observe(Seen("shop/a", TargetState.Down, T0), T0);
        var first = RunUntil(book, T0.AddSeconds(10));
        Assert.Single(first);

        book.Observe(Seen("shop/b", TargetState.Down, T0.AddSeconds(20)), T0.AddSeconds(20));
        book.Observe(Seen("shop/c", TargetState.Down, T0.AddSeconds(30)), T0.AddSeconds(30));
        Assert.Empty(RunUntil(book, T0.AddSeconds(69)));
        var second = Assert.Single(RunUntil(book, T0.AddSeconds(70)));

        // What changed first, then what fires on.
        Assert.Equal(["shop/b", "shop/c", "shop/a"], second.Message!.Alerts.Select(a => a.Target));
        Assert.Equal(["shop/b", "shop/c"], second.Notified.Select(n => n.Target));
    }

    [Fact]
    public void A_target_up_again_before_after_is_not_alerted_and_one_still_down_is()
    {
        var book = Book(Rule(after: TimeSpan.FromMinutes(2), wait: TimeSpan.Zero));
        book.Observe(Seen("shop/a", TargetState.Down, T0), T0);
        book.Observe(Seen("shop/b", TargetState.Down, T0), T0);
        book.Observe(Seen("shop/a", TargetState.Up, T0.AddMinutes(1)), T0.AddMinutes(1));

        var sent = RunUntil(book, T0.AddMinutes(10));

        var only = Assert.Single(sent);
        Assert.Equal(T0.AddMinutes(2), only.Message!.CreatedAt);
        Assert.Equal(["shop/b"], only.Message.Alerts.Select(a => a.Target));
    }

    [Fact]
    public void A_reminder_goes_every_repeat_while_down_and_a_resolution_when_up()
    {
        var book = Book(Rule(repeat: TimeSpan.FromHours(1), wait: TimeSpan.Zero));
        book.Observe(Seen("shop/a", TargetState.Down, T0), T0);
        var sent = RunUntil(book, T0.AddHours(2).AddMinutes(30));
        Assert.Equal([T0, T0.AddHours(1), T0.AddHours(2)], sent.Select(d => d.Message!.CreatedAt));
        Assert.All(sent, d => Assert.Equal("firing", d.Message!.Status));

        book.Observe(Seen("shop/a", TargetState.Up, T0.AddHours(2).AddMinutes(40)), T0.AddHours(2).AddMinutes(40));
        var resolution = Assert.Single(RunUntil(book, T0.AddHours(5)));

        Assert.Equal("resolved", resolution.Message!.Status);
        Assert.Equal(T0.AddHours(2).AddMinutes(40), resolution.Message.Alerts[0].EndsAt);
        Assert.False(Assert.Single(resolution.Notified).Down);
    }

    [Fact]
    public void A_rule_without_resolutions_sends_none_but_records_that_the_target_is_up()
    {
        var book = Book(Rule(resolved: false, wait: TimeSpan.Zero));
        book.Observe(Seen("shop/a", TargetState.Down, T0), T0);
        Assert.Single(RunUntil(book, T0));
        book.Observe(Seen("shop/a", TargetState.Up, T0.AddMinutes(5)), T0.AddMinutes(5));

        var silent = Assert.Single(RunUntil(book, T0.AddHours(1)));

        Assert.Null(silent.Message);
        Assert.False(Assert.Single(silent.Notified).Down);
    }

    [Fact]
    public void Up_without_an_alert_sends_nothing_and_maint_neither_alerts_nor_resolves()
    {
        var book = Book(Rule(wait: TimeSpan.Zero, repeat: TimeSpan.FromMinutes(10)));
        book.Observe(Seen("shop/a", TargetState.Up, T0), T0);
        book.Observe(Seen("shop/b", TargetState.Maint, T0), T0);
        Assert.Empty(RunUntil(book, T0.AddHours(1)));

        book.Observe(Seen("shop/c", TargetState.Down, T0.AddHours(1)), T0.AddHours(1));
        Assert.Single(RunUntil(book, T0.AddHours(1)));
        book.Observe(Seen("shop/c", TargetState.Maint, T0.AddHours(1).AddMinutes(1)), T0.AddHours(1).AddMinutes(1));
        // Paused: no reminder, no resolution.
        Assert.Empty(RunUntil(book, T0.AddHours(3)));

        // Resumed and UP: the alert that was sent is resolved.
        book.Observe(Seen("shop/c", TargetState.Up, T0.AddHours(3)), T0.AddHours(3));
        var resolution = Assert.Single(RunUntil(book, T0.AddHours(4)));
        Assert.Equal("resolved", resolution.Message!.Status);
    }

    [Fact]
    public void Several_rules_matching_one_target_each_send_their_own_message()
    {
        var book = Book(Rule("shop", name: "by-group", wait: TimeSpan.Zero), Rule("*/db-?", name: "databases", wait: TimeSpan.Zero));
        book.Observe(Seen("shop/db-1", TargetState.Down, T0), T0);

        var sent = RunUntil(book, T0);

        Assert.Equal(["by-group", "databases"], sent.Select(d => d.Message!.Rule).Order());
    }

    [Fact]
    public void After_a_restart_a_target_told_down_is_not_told_again_and_one_up_meanwhile_is_resolved()
    {
        var told = new[]
        {
            new NotifiedState("r", "ops", "shop/a", true, T0, "L4CON", "Connection refused", T0, Guid.NewGuid()),
            new NotifiedState("r", "ops", "shop/b", true, T0, "L4CON", "Connection refused", T0, Guid.NewGuid()),
        };
        var book = new AlertBook();
        book.Restore(told);
        book.Apply(Settings(Rule(wait: TimeSpan.Zero)), T0.AddHours(1));

        book.Observe(Seen("shop/a", TargetState.Down, T0.AddHours(1)), T0.AddHours(1));
        book.Observe(Seen("shop/b", TargetState.Up, T0.AddHours(1)), T0.AddHours(1));
        var sent = RunUntil(book, T0.AddHours(2));

        var only = Assert.Single(sent);
        // The group whole: a still fires (not new), b is resolved; a's start is the one told before.
        Assert.Equal([("shop/b", false), ("shop/a", true)], only.Message!.Alerts.Select(a => (a.Target, a.Firing)));
        Assert.Equal(T0, only.Message.Alerts[1].StartsAt);
        Assert.Equal([("shop/b", false)], only.Notified.Select(n => (n.Target, n.Down)));
    }

    [Fact]
    public void A_restart_with_the_target_still_down_sends_nothing()
    {
        var book = new AlertBook();
        book.Restore([new NotifiedState("r", "ops", "shop/a", true, T0, "L4CON", null, T0, Guid.NewGuid())]);
        book.Apply(Settings(Rule(wait: TimeSpan.Zero)), T0.AddMinutes(1));

        book.Observe(Seen("shop/a", TargetState.Down, T0.AddMinutes(1)), T0.AddMinutes(1));

        Assert.Empty(RunUntil(book, T0.AddHours(1)));
    }

    [Fact]
    public void A_rule_added_while_a_target_is_down_alerts_it_and_a_rule_removed_and_added_back_remembers_what_it_told()
    {
        var book = Book();
        book.Apply(Settings(), T0);
        book.Observe(Seen("shop/a", TargetState.Down, T0), T0);
        Assert.Empty(RunUntil(book, T0.AddHours(1)));

        book.Apply(Settings(Rule(wait: TimeSpan.Zero)), T0.AddHours(1));
        var alert = Assert.Single(RunUntil(book, T0.AddHours(1)));
        Assert.Equal(["shop/a"], alert.Message!.Alerts.Select(a => a.Target));

        book.Apply(Settings(), T0.AddHours(2));
        book.Apply(Settings(Rule(wait: TimeSpan.Zero)), T0.AddHours(3));
        Assert.Empty(RunUntil(book, T0.AddHours(4)));

        book.Observe(Seen("shop/a", TargetState.Up, T0.AddHours(4)), T0.AddHours(4));
        var resolution = Assert.Single(RunUntil(book, T0.AddHours(5)));
        Assert.Equal("resolved", resolution.Message!.Status);
    }

    [Fact]
    public void An_alert_waiting_for_group_wait_is_stored_pending_and_after_a_restart_goes_once_as_of_when_it_went_down()
    {
        var book = Book(Rule(wait: TimeSpan.FromSeconds(30)));
        book.Observe(Seen("shop/a", TargetState.Down, T0), T0);
        Assert.Empty(book.Due(T0.AddSeconds(1)));
        var pending = Assert.Single(book.PendingChanges(T0.AddSeconds(1)));
        Assert.Equal(("shop/a", true, T0, T0.AddSeconds(30)), (pending.Target, pending.Pending, pending.Since, pending.NotifiedAt));
        Assert.Empty(book.PendingChanges(T0.AddSeconds(2)));

        // The app restarts a minute later: the held alert goes once shop/a is seen DOWN again, as of T0.
        var restarted = new AlertBook();
        restarted.Restore([pending]);
        restarted.Apply(Settings(Rule(wait: TimeSpan.FromSeconds(30))), T0.AddMinutes(1));
        Assert.Empty(restarted.PendingChanges(T0.AddMinutes(1)));
        restarted.Observe(Seen("shop/a", TargetState.Down, T0.AddMinutes(1)), T0.AddMinutes(1));
        var sent = Assert.Single(restarted.Due(T0.AddMinutes(1)));
        Assert.Equal(T0, Assert.Single(sent.Message!.Alerts).StartsAt);
        Assert.True(Assert.Single(sent.Notified).Down);
        // Told by the decision (stored DOWN with it): nothing more to store, and nothing sent again.
        Assert.Empty(restarted.PendingChanges(T0.AddMinutes(1)));
        Assert.Empty(RunUntil(restarted, T0.AddHours(1)));
    }

    [Fact]
    public void A_pending_alert_dropped_before_it_was_told_is_stored_up()
    {
        var book = Book(Rule(wait: TimeSpan.FromSeconds(30)));
        book.Observe(Seen("shop/a", TargetState.Down, T0), T0);
        Assert.True(Assert.Single(book.PendingChanges(T0)).Pending);
        book.Observe(Seen("shop/a", TargetState.Up, T0.AddSeconds(5)), T0.AddSeconds(5));

        var dropped = Assert.Single(book.PendingChanges(T0.AddSeconds(5)));
        Assert.Equal((false, false), (dropped.Pending, dropped.Down));
        Assert.Empty(RunUntil(book, T0.AddHours(1)));
    }
    private static NotifiedState ToldDown(string target) =>
        new("r", "ops", target, true, T0.AddMinutes(-5), "L4CON", "Connection refused", T0.AddMinutes(-4), Guid.NewGuid());

    private static NotifiedState Pending(string target, DateTimeOffset due) =>
        new("r", "ops", target, false, T0.AddMinutes(-1), "L4CON", "Connection refused", due, Guid.Empty) { Pending = true };

    [Fact]
    public void A_target_handed_over_is_forgotten_without_a_message_and_its_pending_alert_stays_stored_as_pending()
    {
        var book = Book(Rule());
        book.Observe(Seen("shop/a", TargetState.Down, T0), T0);
        Assert.Single(RunUntil(book, T0.AddSeconds(10)));
        book.Observe(Seen("shop/c", TargetState.Down, T0.AddSeconds(20)), T0.AddSeconds(20));
        Assert.Equal(["shop/c"], book.PendingChanges(T0.AddSeconds(20)).Select(p => p.Target));

        book.HandOver("shop/a", T0.AddSeconds(21));
        book.HandOver("shop/c", T0.AddSeconds(21));

        Assert.Empty(RunUntil(book, T0.AddHours(1)));
        Assert.Empty(book.PendingChanges(T0.AddHours(1)));
    }

    [Fact]
    public void A_target_taken_over_goes_on_from_what_was_told_and_left_pending_by_its_old_owner_as_read_when_it_is_taken()
    {
        // Restored at this node's start: e told DOWN. Since then the old owner resolved e, told a DOWN and decided c (due at T0 + 30 s).
        var book = Book(Rule());
        book.Restore([ToldDown("shop/e")]);
        book.Adopt(["shop/a", "shop/c", "shop/d", "shop/e"], [ToldDown("shop/a"), Pending("shop/c", T0.AddSeconds(30))], T0);
        foreach (var target in new[] { "shop/a", "shop/c", "shop/d", "shop/e" })
        {
            book.Observe(Seen(target, TargetState.Down, T0.AddSeconds(1)), T0.AddSeconds(1));
        }

        var sent = RunUntil(book, T0.AddMinutes(2));
        Assert.Equal(["shop/c", "shop/d", "shop/e"], sent.SelectMany(d => d.Notified).Where(n => n.Down).Select(n => n.Target).Order());

        // a comes back: its resolution goes once.
        book.Observe(Seen("shop/a", TargetState.Up, T0.AddMinutes(3)), T0.AddMinutes(3));
        var resolved = RunUntil(book, T0.AddMinutes(10)).SelectMany(d => d.Notified).Where(n => !n.Down).ToList();
        Assert.Equal(["shop/a"], resolved.Select(n => n.Target));
    }
}
