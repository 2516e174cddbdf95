using Bunit;
using HealthChecker.Tests.Web.Support;

namespace HealthChecker.Tests.Web.Components.Pages.Notifications;

// The pages have the names of their folders, which are namespaces of these tests too.
using Events = HealthChecker.Web.Components.Pages.Events.Events;
using TargetDetail = HealthChecker.Web.Components.Pages.TargetDetail.TargetDetail;

/// <summary>The notifications log is reached from a target's page (filtered to it) and from the events page.</summary>
public sealed class NotificationLinksTests : HistoryPageContext
{
    [Fact]
    public async Task A_targets_page_links_to_the_messages_about_it_even_without_state_changes()
    {
        var target = await AddTargetAsync("web/api-v2");
        Monitor.Running = false;

        var page = Render<TargetDetail>(p => p.Add(d => d.Id, target.Id));

        page.WaitForAssertion(() => Assert.Equal("notifications?target=web%2Fapi-v2", page.Find("[data-testid=target-notifications]").GetAttribute("href")));
        Assert.Single(page.FindAll("[data-testid=no-changes]"));
    }

    [Fact]
    public void The_events_page_links_to_the_notifications()
    {
        var page = Render<Events>();

        page.WaitForAssertion(() => Assert.Equal("notifications", page.Find("[data-testid=events-notifications]").GetAttribute("href")));
    }
}
