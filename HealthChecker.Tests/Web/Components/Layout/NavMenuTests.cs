using Bunit;
using HealthChecker.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace HealthChecker.Tests.Web.Components.Layout;

/// <summary>The main nav marks the section of the page being shown, and only that.</summary>
public sealed class NavMenuTests : BunitContext
{
    public NavMenuTests()
    {
        AddAuthorization();
    }

    [Theory]
    [InlineData("", "Dashboard")]
    [InlineData("targets", "Targets")]
    [InlineData("targets/new", "Targets")]
    [InlineData("targets/import", "Targets")]
    [InlineData("targets/42/edit", "Targets")]
    [InlineData("events", "Events")]
    [InlineData("events?state=down", "Events")]
    [InlineData("targets?group=web", "Targets")]
    [InlineData("notifications", "Notifications")]
    [InlineData("notifications?target=shop%2Fapi", "Notifications")]
    [InlineData("alerting", "Alerting")]
    [InlineData("alerting/channels/new", "Alerting")]
    [InlineData("alerting/rules/7/edit", "Alerting")]
    public void The_link_of_the_current_section_is_marked_active(string path, string current)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(path);

        var menu = Render<NavMenu>();

        Assert.Equal([current], Active(menu));
    }

    [Fact]
    public void A_target_page_marks_no_section_as_current()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("targets/42");

        var menu = Render<NavMenu>();

        Assert.Empty(Active(menu));
    }

    [Fact]
    public void The_marked_link_follows_navigation()
    {
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("targets");
        var menu = Render<NavMenu>();

        nav.NavigateTo("targets/7");

        menu.WaitForAssertion(() => Assert.Empty(Active(menu)));
        nav.NavigateTo("events");
        menu.WaitForAssertion(() => Assert.Equal(["Events"], Active(menu)));
    }

    private static string[] Active(IRenderedComponent<NavMenu> menu) =>
        [.. menu.FindAll("nav a.active").Select(a => a.TextContent)];
}
