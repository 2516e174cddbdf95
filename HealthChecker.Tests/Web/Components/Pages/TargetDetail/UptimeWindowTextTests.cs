using HealthChecker.Core.Store;
using HealthChecker.Web.Components.Pages.TargetDetail;

namespace HealthChecker.Tests.Web.Components.Pages.TargetDetail;

/// <summary>An uptime window's figures agree with each other: the down time is the share the percentage leaves.</summary>
public sealed class UptimeWindowTextTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void Down_time_under_a_second_is_not_shown_as_none()
    {
        var text = UptimeWindowText.From(new UptimeRecord(Day, 0.6, 0.1, 3600, 0, 85.714m));

        Assert.Equal(("1 d", "85.714 %", "down <1s of <1s observed · paused 1h 0m"), (text.Window, text.Percent, text.Split));
    }

    [Fact]
    public void The_percentage_is_a_share_of_the_observed_time_shown_beside_it()
    {
        // 2 h watched in a day: 90 min up, 30 min down; the rest before the first change is in no period.
        var text = UptimeWindowText.From(new UptimeRecord(Day, 5400, 1800, 0, 0, 75m));

        Assert.Equal(("75 %", "down 30m 0s of 2h 0m observed"), (text.Percent, text.Split));
    }

    [Fact]
    public void A_whole_day_at_86_percent_is_down_for_3h_21m()
    {
        var text = UptimeWindowText.From(new UptimeRecord(Day, 0.86 * 86400, 0.14 * 86400, 0, 0, 86m));

        Assert.Equal(("86 %", "down 3h 21m of 1d 0h observed"), (text.Percent, text.Split));
    }

    [Fact]
    public void Any_down_time_keeps_the_percentage_below_100_and_any_up_time_above_0()
    {
        Assert.Equal("99.999 %", UptimeWindowText.From(new UptimeRecord(Day, 86399.99, 0.01, 0, 0, 100m)).Percent);
        Assert.Equal("0.001 %", UptimeWindowText.From(new UptimeRecord(Day, 0.01, 86399.99, 0, 0, 0m)).Percent);
    }

    [Fact]
    public void A_window_without_up_or_down_time_has_no_percentage()
    {
        var text = UptimeWindowText.From(new UptimeRecord(TimeSpan.FromDays(7), 0, 0, 0, 120, null));

        Assert.Equal(("7 d", "—", "down 0s · unknown 2m 0s"), (text.Window, text.Percent, text.Split));
    }
}
