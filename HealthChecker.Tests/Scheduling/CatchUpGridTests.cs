using HealthChecker.Core.Health;

namespace HealthChecker.Tests.Scheduling;

/// <summary>Where the check after a resumed target's catch-up check falls: on its old grid, at least half an interval on.</summary>
public sealed class CatchUpGridTests
{
    private static readonly DateTimeOffset Missed = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    // Missed due time 12:00:00, inter 2 s; the catch-up check ended this many ms later, the next check so many ms after it.
    [InlineData(900, 1100)]     // 12:00:02 is 1.1 s on: the first grid point
    [InlineData(1000, 1000)]    // exactly half an interval to the grid point is enough
    [InlineData(1001, 2999)]    // just short of half: one more interval
    [InlineData(0, 2000)]       // caught up right on the missed due time: one interval, never zero
    [InlineData(7500, 2500)]    // a catch-up check late by several intervals (queued, or a slow check) stays on the grid
    public void The_next_check_is_the_first_grid_point_at_least_half_an_interval_after_the_catch_up_check(int endedMs, int nextMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(nextMs), CheckInterval.AfterCatchUp(Missed, TimeSpan.FromSeconds(2), Missed.AddMilliseconds(endedMs)));

    [Fact]
    public void A_due_time_missed_days_ago_still_gives_a_point_within_one_and_a_half_intervals()
    {
        var ended = Missed.AddDays(3).AddMilliseconds(123);

        var next = CheckInterval.AfterCatchUp(Missed, TimeSpan.FromSeconds(7), ended);

        Assert.InRange(next, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(10.5));
        Assert.Equal(0, (ended + next - Missed).Ticks % TimeSpan.FromSeconds(7).Ticks);
    }
}
