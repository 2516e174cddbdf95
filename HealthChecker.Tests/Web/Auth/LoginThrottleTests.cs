using HealthChecker.Web.Auth;

namespace HealthChecker.Tests.Web.Auth;

public sealed class LoginThrottleTests
{
    [Fact]
    public void Each_failure_from_a_source_doubles_the_delay_up_to_the_cap_and_other_sources_are_not_slowed()
    {
        var throttle = new LoginThrottle(new ManualTime());

        var delays = Enumerable.Range(0, 8).Select(_ => throttle.Failed("10.0.0.1").TotalMilliseconds).ToArray();

        Assert.Equal([250, 500, 1000, 2000, 4000, 8000, 8000, 8000], delays);
        Assert.Equal(250, throttle.Failed("10.0.0.2").TotalMilliseconds);
    }

    [Fact]
    public void A_success_or_a_quiet_quarter_hour_forgets_the_failures()
    {
        var time = new ManualTime();
        var throttle = new LoginThrottle(time);
        throttle.Failed("a");
        throttle.Failed("a");

        throttle.Succeeded("a");
        Assert.Equal(250, throttle.Failed("a").TotalMilliseconds);

        throttle.Failed("a");
        time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(250, throttle.Failed("a").TotalMilliseconds);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
