using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Health;

namespace HealthChecker.Tests.Alerting;

/// <summary>Flapping in the evaluator's decisions (more than 5 changes in 10 minutes by default), fed observations and times directly.</summary>
public sealed class FlappingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static AlertBook Book(TimeSpan? wait = null)
    {
        var book = new AlertBook();
        book.Apply(new AlertSettings(
            [new ChannelDefinition("ops", ChannelKind.Webhook, new Uri("http://127.0.0.1:1/"), [], null)],
            [new AlertRule("r", "shop/*", ["ops"], TimeSpan.Zero, null, true, wait ?? TimeSpan.Zero, TimeSpan.FromMinutes(1))]), T0);
        return book;
    }

    private static TargetObservation Seen(string target, TargetState state, DateTimeOffset at)
    {
        var parts = target.Split('/');
        return new TargetObservation(parts[0], parts[1], 7, state, at, state == TargetState.Down ? "L4CON" : "L4OK", null, "Layer4 check");
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

    /// <summary>UP at T0, then a change every <paramref name="every"/>, <paramref name="changes"/> of them, taking due decisions as time goes.</summary>
    private static List<AlertDecision> Toggle(AlertBook book, int changes, TimeSpan every, DateTimeOffset? from = null)
    {
        var at = from ?? T0;
        var sent = new List<AlertDecision>();
        if (from is null)
        {
            book.Observe(Seen("shop/api", TargetState.Up, at), at);
        }

        for (var i = 1; i <= changes; i++)
        {
            at += every;
            sent.AddRange(RunUntil(book, at));
            book.Observe(Seen("shop/api", i % 2 == 1 ? TargetState.Down : TargetState.Up, at), at);
        }

        return sent;
    }

    [Fact]
    public void Five_changes_in_ten_minutes_are_not_flapping_and_each_is_told()
    {
        var book = Book();

        var sent = Toggle(book, 5, TimeSpan.FromMinutes(1));
        sent.AddRange(RunUntil(book, T0.AddMinutes(6)));

        Assert.Empty(book.Flapping);
        Assert.Equal(5, sent.Count(d => d.Message is not null));
        Assert.All(sent, d => Assert.DoesNotContain(d.Message!.Alerts, a => a.Flapping));
    }

    [Fact]
    public void A_sixth_change_within_ten_minutes_marks_it_flapping_and_alerts_once_as_flapping()
    {
        var book = Book();
        var before = Toggle(book, 5, TimeSpan.FromMinutes(1));
        before.AddRange(RunUntil(book, T0.AddMinutes(5)));

        // The sixth change (DOWN to UP at 6 min), then twenty more, one every 20 s.
        var during = Toggle(book, 21, TimeSpan.FromSeconds(20), from: T0.AddMinutes(5).AddSeconds(40));
        during.AddRange(RunUntil(book, T0.AddMinutes(13)));

        Assert.Contains("shop/api", book.Flapping);
        var flap = Assert.Single(during);
        var alert = Assert.Single(flap.Message!.Alerts);
        Assert.True(alert.Flapping);
        Assert.True(alert.Firing);
        Assert.Equal("firing", flap.Message.Status);
    }

    [Fact]
    public void Stable_for_the_window_it_is_no_longer_flapping_and_its_state_is_told()
    {
        var book = Book();
        Toggle(book, 5, TimeSpan.FromMinutes(1));
        RunUntil(book, T0.AddMinutes(5));
        var last = T0.AddMinutes(6);
        // The sixth change: DOWN to UP... then DOWN again for good.
        book.Observe(Seen("shop/api", TargetState.Up, last), last);
        Assert.True(Assert.Single(RunUntil(book, last)).Message!.Alerts.Single().Flapping);
        book.Observe(Seen("shop/api", TargetState.Down, last.AddSeconds(30)), last.AddSeconds(30));

        Assert.Empty(RunUntil(book, last.AddSeconds(30).AddMinutes(10).AddTicks(-1)));
        Assert.Contains("shop/api", book.Flapping);

        var told = Assert.Single(RunUntil(book, last.AddMinutes(15)));
        Assert.Empty(book.Flapping);
        var alert = Assert.Single(told.Message!.Alerts);
        Assert.Equal((false, true), (alert.Flapping, alert.Firing));
        Assert.Equal(last.AddSeconds(30).AddMinutes(10), told.Message.CreatedAt);
        Assert.True(Assert.Single(told.Notified).Down);
    }

    [Fact]
    public void Stable_and_up_after_flapping_is_resolved()
    {
        var book = Book();
        var sent = Toggle(book, 6, TimeSpan.FromMinutes(1));
        sent.AddRange(RunUntil(book, T0.AddMinutes(6)));
        Assert.Contains("shop/api", book.Flapping);

        var after = RunUntil(book, T0.AddMinutes(30));

        var resolution = Assert.Single(after);
        Assert.Equal("resolved", resolution.Message!.Status);
        Assert.Equal(T0.AddMinutes(16), resolution.Message.CreatedAt);
        Assert.False(Assert.Single(resolution.Notified).Down);
        Assert.Empty(book.Flapping);
    }
}
