using Bunit;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Web.Support;
using HealthChecker.Web.Auth;
using Microsoft.Extensions.DependencyInjection;
using static HealthChecker.Tests.Web.Components.Pages.Notifications.NotificationLogRows;

namespace HealthChecker.Tests.Web.Components.Pages.Notifications;

// The page has the name of its folder, which is this namespace's name too.
using Notifications = HealthChecker.Web.Components.Pages.Notifications.Notifications;

/// <summary>The notifications log over a real database: newest first, 50 per page, filtered by target, the answer for the admin.</summary>
public sealed class NotificationsTests : HistoryPageContext
{
    [Fact]
    public void No_messages_shows_the_empty_state()
    {
        Services.AddSingleton<INotificationLog>(new NotificationStore(Db));

        var page = Render<Notifications>();

        page.WaitForAssertion(() => Assert.Contains("No messages yet", page.Find("[data-testid=no-notifications]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Messages_are_newest_first_paged_by_fifty_and_say_what_was_sent_to_whom_and_how_delivery_went()
    {
        Services.AddSingleton<INotificationLog>(new NotificationStore(Db));
        Auth.SetAuthorized("admin").SetRoles(AuthSchemes.AdminRole);
        await WriteAsync(Db, [.. Enumerable.Range(1, 110).Select(n => Row(n, "ops", ["shop/api"]))]);
        await WriteAsync(Db,
            Row(200, "pager", ["shop/api", "shop/db", "shop/a", "shop/b", "shop/c", "shop/d", "shop/e"], DeliveryState.Failed, 1, "HTTP 400 Bad Request: no"),
            Row(201, "ops", ["shop/db"], DeliveryState.Queued, 3, "ConnectionRefused: Connection refused"));

        var page = Render<Notifications>();

        page.WaitForAssertion(() => Assert.Equal(50, Rows(page).Count));
        Assert.Equal(("ops", DeliveryState.Queued), (Rows(page)[0].GetAttribute("data-channel-name"), Rows(page)[0].GetAttribute("data-delivery")));
        Assert.Equal("2026-01-01 03:21:00 ops shop-down firing 1 firing shop/db queued after 3 attempts, next try 2026-01-01 03:22:00; last answer: ConnectionRefused: Connection refused",
            Normalize(Rows(page)[0].TextContent));
        Assert.Equal("2026-01-01 03:20:00 pager shop-down firing 7 firing shop/api shop/db shop/a shop/b shop/c and 2 more failed after 1 attempt: HTTP 400 Bad Request: no",
            Normalize(Rows(page)[1].TextContent));
        Assert.Equal("2026-01-01 01:50:00 ops shop-down firing 1 firing shop/api delivered 2026-01-01 01:50:01 after 1 attempt", Normalize(Rows(page)[2].TextContent));

        Button(page, "Older").Click();
        page.WaitForAssertion(() => Assert.Equal("Page 2", page.Find("[data-testid=page-number]").TextContent));
        Assert.StartsWith("2026-01-01 01:02:00", Normalize(Rows(page)[0].TextContent), StringComparison.Ordinal);
        Button(page, "Older").Click();
        page.WaitForAssertion(() => Assert.Equal(12, Rows(page).Count));
        Assert.True(Button(page, "Older").HasAttribute("disabled"));
        Button(page, "Newer").Click();
        page.WaitForAssertion(() => Assert.Equal("Page 2", page.Find("[data-testid=page-number]").TextContent));
        Assert.StartsWith("2026-01-01 01:02:00", Normalize(Rows(page)[0].TextContent), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_targets_link_shows_only_the_messages_that_list_it_and_others_than_the_admin_do_not_see_the_answer()
    {
        Services.AddSingleton<INotificationLog>(new NotificationStore(Db));
        await WriteAsync(Db,
            Row(1, "ops", ["shop/api"]),
            Row(2, "ops", ["shop/db", "shop/api"], DeliveryState.Failed, 2, "HTTP 400 Bad Request: token zq"),
            Row(3, "ops", ["shop/db"]));

        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("notifications?target=shop%2Fapi");
        var page = Render<Notifications>();

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));
        Assert.Equal("shop/api", page.Find("#notifications-target").GetAttribute("value"));
        Assert.Contains("failed after 2 attempts: details for the admin", Rows(page)[0].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("zq", page.Markup, StringComparison.Ordinal);

        page.Find("#notifications-target").Change("shop/none");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("No message lists this target", page.Find("[data-testid=no-notifications]").TextContent, StringComparison.Ordinal));
    }

    private static IReadOnlyList<AngleSharp.Dom.IElement> Rows(IRenderedComponent<Notifications> page) => page.FindAll("tbody tr");

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<Notifications> page, string text) =>
        page.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
