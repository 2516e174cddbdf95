using HealthChecker.Web.Auth;
using Microsoft.Extensions.Time.Testing;

namespace HealthChecker.Tests.Web.Auth;

public sealed class RecentSignInsTests
{
    [Fact]
    public void Only_the_password_that_verified_is_known_and_only_for_a_few_minutes()
    {
        var time = new FakeTimeProvider();
        var recent = new RecentSignIns(time);
        Assert.False(recent.Knows("admin", "right"));

        recent.Remember("admin", "right");

        Assert.True(recent.Knows("admin", "right"));
        Assert.False(recent.Knows("admin", "wrong"));
        Assert.False(recent.Knows("other", "right"));
        time.Advance(RecentSignIns.Keep);
        Assert.False(recent.Knows("admin", "right"));
    }
}
