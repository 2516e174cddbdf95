using HealthChecker.Core.Health;

namespace HealthChecker.Tests.Health;

public class HealthStateTests
{
    [Fact]
    public void A_new_target_starts_up_at_rise_and_falls_on_the_first_failure()
    {
        var h = new HealthState(rise: 2, fall: 3, startUp: true);

        Assert.Equal((2, TargetState.Up, "UP 1/3"), (h.Health, h.State, h.Display));
        Assert.Equal(TargetState.Up, h.Report(passed: false));
        Assert.Equal((0, TargetState.Down, "DOWN"), (h.Health, h.State, h.Display));
    }

    [Fact]
    public void A_target_configured_to_start_down_needs_rise_passes()
    {
        var h = new HealthState(rise: 2, fall: 3, startUp: false);

        Assert.Equal("DOWN", h.Display);
        Assert.Null(h.Report(passed: true));
        Assert.Equal("DOWN 1/2", h.Display);
        Assert.Equal(TargetState.Down, h.Report(passed: true));
        Assert.Equal((4, "UP"), (h.Health, h.Display));
    }

    [Fact]
    public void Refused_ok_ok_then_refused_three_times_with_rise_2_fall_3()
    {
        var h = new HealthState(rise: 2, fall: 3, startUp: true);
        var script = new[] { false, true, true, false, false, false };
        var seen = new List<(string Display, TargetState? Left)>();

        foreach (var passed in script)
        {
            var left = h.Report(passed);
            seen.Add((h.Display, left));
        }

        Assert.Equal(
        [
            ("DOWN", TargetState.Up),
            ("DOWN 1/2", null),
            ("UP", TargetState.Down),
            ("UP 2/3", null),
            ("UP 1/3", null),
            ("DOWN", TargetState.Up),
        ], seen);
    }

    [Fact]
    public void One_pass_while_going_down_restores_full_health()
    {
        var h = new HealthState(rise: 2, fall: 3, startUp: true);
        h.Report(passed: true);
        h.Report(passed: false);
        h.Report(passed: false);
        Assert.Equal("UP 1/3", h.Display);

        Assert.Null(h.Report(passed: true));

        Assert.Equal("UP", h.Display);
    }

    [Fact]
    public void A_failure_while_going_up_starts_over()
    {
        var h = new HealthState(rise: 3, fall: 2, startUp: false);
        h.Report(passed: true);
        h.Report(passed: true);
        Assert.Equal("DOWN 2/3", h.Display);

        Assert.Null(h.Report(passed: false));

        Assert.Equal((0, "DOWN"), (h.Health, h.Display));
    }

    [Fact]
    public void Rise_and_fall_of_one_flip_on_every_change()
    {
        var h = new HealthState(rise: 1, fall: 1, startUp: true);

        Assert.Equal("UP", h.Display);
        Assert.Equal(TargetState.Up, h.Report(false));
        Assert.Equal(TargetState.Down, h.Report(true));
        Assert.Null(h.Report(true));
    }

    [Fact]
    public void Maintenance_ignores_results_and_resuming_starts_over()
    {
        var h = new HealthState(rise: 2, fall: 3, startUp: false);
        h.Report(true);
        h.Report(true);

        Assert.Equal(TargetState.Up, h.EnterMaintenance());
        Assert.Null(h.EnterMaintenance());
        Assert.Null(h.Report(false));
        Assert.Equal((TargetState.Maint, "MAINT"), (h.State, h.Display));

        Assert.True(h.LeaveMaintenance());
        Assert.Equal("DOWN", h.Display);
    }

    [Fact]
    public void Intervals_follow_the_state()
    {
        var (inter, fast, down) = (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        var h = new HealthState(rise: 2, fall: 3, startUp: false);

        Assert.Equal(down, CheckInterval.For(h, inter, fast, down));
        h.Report(true);
        Assert.Equal(fast, CheckInterval.For(h, inter, fast, down));
        h.Report(true);
        Assert.Equal(inter, CheckInterval.For(h, inter, fast, down));
        h.Report(false);
        Assert.Equal(fast, CheckInterval.For(h, inter, fast, down));
    }

    [Theory]
    [InlineData(0, 0.0, 1000)]
    [InlineData(50, 0.0, 500)]
    [InlineData(50, 0.5, 1000)]
    [InlineData(50, 0.999999, 1500)]
    [InlineData(10, 0.0, 900)]
    public void Spread_stays_within_plus_or_minus_the_percentage(int spread, double unit, int expectedMs) =>
        Assert.Equal(expectedMs, Math.Round(CheckInterval.Spread(TimeSpan.FromSeconds(1), spread, unit).TotalMilliseconds));

    [Fact]
    public void First_checks_are_spread_evenly_over_the_first_interval()
    {
        var delays = Enumerable.Range(0, 4).Select(i => CheckInterval.FirstDelay(i, 4, TimeSpan.FromSeconds(2)).TotalMilliseconds);

        Assert.Equal([0, 500, 1000, 1500], delays);
    }

    [Fact]
    public void The_connect_timeout_never_exceeds_inter() =>
        Assert.Equal(TimeSpan.FromSeconds(2), CheckInterval.ConnectTimeout(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)));
}
