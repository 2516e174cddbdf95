using HealthChecker.Web.Cluster;

namespace HealthChecker.Tests.Web.Cluster;

public sealed class CheckRateTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    [Fact]
    public void With_fewer_than_two_samples_the_rate_is_zero()
    {
        var rate = new CheckRate(Window);
        Assert.Equal(0, rate.PerSecond);
        rate.Add(TimeSpan.FromSeconds(1), 100);
        Assert.Equal(0, rate.PerSecond);
    }

    [Fact]
    public void The_rate_is_the_checks_completed_over_the_seconds_between_samples()
    {
        var rate = new CheckRate(Window);
        rate.Add(TimeSpan.FromSeconds(1), 0);
        rate.Add(TimeSpan.FromSeconds(2), 40);
        rate.Add(TimeSpan.FromSeconds(3), 100);
        Assert.Equal(50, rate.PerSecond);
    }

    [Fact]
    public void Only_the_last_window_counts_once_it_is_full()
    {
        var rate = new CheckRate(Window);
        // 1000 checks a second for 10 s, then none for 6 s.
        for (var second = 0; second <= 10; second++)
        {
            rate.Add(TimeSpan.FromSeconds(second), second * 1000L);
        }

        Assert.Equal(1000, rate.PerSecond);
        for (var second = 11; second <= 16; second++)
        {
            rate.Add(TimeSpan.FromSeconds(second), 10_000);
        }

        Assert.Equal(0, rate.PerSecond);
    }

    [Fact]
    public void A_count_that_starts_over_begins_a_new_rate_instead_of_a_negative_one()
    {
        var rate = new CheckRate(Window);
        rate.Add(TimeSpan.FromSeconds(1), 5000);
        rate.Add(TimeSpan.FromSeconds(2), 6000);
        rate.Add(TimeSpan.FromSeconds(3), 10);
        Assert.Equal(0, rate.PerSecond);
        rate.Add(TimeSpan.FromSeconds(4), 30);
        Assert.Equal(20, rate.PerSecond);
    }
}
