using HealthChecker.Tests.Support;
using HealthChecker.Web.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace HealthChecker.Tests.Web.Monitoring;

/// <summary>State change notices told to the pages coalesced: a storm reloads an events page once per gap, not once per change.</summary>
public sealed class NewStateChangesTests
{
    [Fact]
    public void A_storm_of_notices_is_told_once_a_gap_after_the_first_and_a_later_notice_once_more()
    {
        var clock = new FakeTimeProvider();
        var notices = new NoticesSource();
        using var changes = new NewStateChanges(notices, clock, TestLog.Silent);
        var told = 0;
        changes.Arrived += () => told++;

        for (var i = 0; i < 500; i++)
        {
            notices.Tell([i]);
        }

        Assert.Equal(0, told);
        clock.Advance(NewStateChanges.Gap);
        Assert.Equal(1, told);
        clock.Advance(NewStateChanges.Gap * 4);
        Assert.Equal(1, told);

        // A LISTEN started again (notices may have been lost) counts as news too.
        notices.Tell(null);
        clock.Advance(NewStateChanges.Gap);
        Assert.Equal(2, told);
    }

    [Fact]
    public void A_handler_that_throws_does_not_keep_the_others_from_hearing()
    {
        var clock = new FakeTimeProvider();
        var notices = new NoticesSource();
        using var changes = new NewStateChanges(notices, clock, TestLog.Silent);
        var told = 0;
        changes.Arrived += () => throw new InvalidOperationException("a broken page");
        changes.Arrived += () => told++;

        notices.Tell([1]);
        clock.Advance(NewStateChanges.Gap);

        Assert.Equal(1, told);
    }

    private sealed class NoticesSource : IStateChangeNotices
    {
        public event Action<IReadOnlyList<long>?>? Heard;

        public void Tell(IReadOnlyList<long>? ids) => Heard?.Invoke(ids);
    }
}
