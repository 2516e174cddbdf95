using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Store;
using HealthChecker.Web.Components.Pages.Notifications;

namespace HealthChecker.Tests.Web.Components.Pages.Notifications;

public sealed class NotificationsQueryTests
{
    [Fact]
    public void Pages_go_older_and_back_newer_by_the_ids_where_they_started()
    {
        var query = new NotificationsQuery();
        Guid first = Guid.NewGuid(), second = Guid.NewGuid();

        Assert.True(query.AtNewest);
        query.ShowOlder(first);
        query.ShowOlder(second);
        Assert.Equal((3, (Guid?)first), (query.PageNumber, query.Newer));
        query.ShowNewer();
        Assert.Equal((2, (Guid?)null), (query.PageNumber, query.Newer));
        query.ShowNewest();
        Assert.Equal((1, true), (query.PageNumber, query.AtNewest));
    }

    [Fact]
    public void A_blank_target_is_no_filter_and_a_name_is_trimmed()
    {
        var query = new NotificationsQuery { Target = "  " };
        Assert.Equal(new NotificationFilter(), query.Filter());
        Assert.False(query.Filtered);

        query.Target = " shop/api ";
        Assert.Equal(new NotificationFilter(Target: "shop/api"), query.Filter());
        Assert.True(query.Filtered);
    }

    [Fact]
    public void Delivery_says_when_it_was_delivered_why_it_failed_or_when_it_is_tried_next_and_hides_the_answer_from_others()
    {
        var at = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var n = new NotificationRecord(Guid.NewGuid(), at, "r", "ops", "firing", ["a/b"], 1, 0, DeliveryState.Queued, 0, null, null, null, null);

        Assert.Equal("queued, not tried yet", NotificationText.Delivery(n, true));
        Assert.Equal("queued after 2 attempts, next try 2026-01-02 03:05:05; last answer: HTTP 503", NotificationText.Delivery(
            n with { Attempts = 2, NextTryAt = at.AddMinutes(1), LastAnswer = "HTTP 503" }, true));
        Assert.Equal("failed after 1 attempt: details for the admin", NotificationText.Delivery(
            n with { Delivery = DeliveryState.Failed, Attempts = 1, LastAnswer = "HTTP 400" }, false));
        Assert.Equal("delivered 2026-01-02 03:04:06 after 4 attempts", NotificationText.Delivery(
            n with { Delivery = DeliveryState.Delivered, Attempts = 4, DeliveredAt = at.AddSeconds(1), LastAnswer = "HTTP 200" }, false));
    }

    [Fact]
    public void A_storms_targets_are_named_up_to_five_then_counted()
    {
        var n = new NotificationRecord(Guid.NewGuid(), DateTime.UtcNow, "r", "ops", "firing", [.. Enumerable.Range(1, 1000).Select(i => $"g/t{i}")], 990, 10,
            DeliveryState.Delivered, 1, null, null, null, null);

        Assert.Equal(["g/t1", "g/t2", "g/t3", "g/t4", "g/t5"], NotificationText.FirstTargets(n));
        Assert.Equal("and 995 more", NotificationText.More(n));
        Assert.Equal("990 firing, 10 resolved", NotificationText.Counts(n));
        Assert.Equal("", NotificationText.More(n with { Targets = ["a/b"] }));
    }
}
