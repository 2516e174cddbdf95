using Bunit;
using HealthChecker.Core.Faults;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using HealthChecker.Web.Monitoring;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using static HealthChecker.Tests.Web.Support.FakeMonitorView;

namespace HealthChecker.Tests.Web.Components.Pages.Dashboard;

using Dashboard = HealthChecker.Web.Components.Pages.Dashboard.Dashboard;

/// <summary>The dashboard opened from a link (an alert message's): the query sets the filter.</summary>
public sealed class DashboardLinkTests : BunitContext
{
    private readonly FakeMonitorView _monitor = new();

    public DashboardLinkTests()
    {
        Services.AddSingleton<IMonitorView>(_monitor);
        Services.AddSingleton(new FaultLog(TestLog.Silent));
        Services.AddSingleton(new UnreadableTargets());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<HealthChecker.Web.Alerting.IFlappingTargets>(new FlappingTargetsSource());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        _monitor.Set([Target(1, "web/api", "DOWN"), Target(2, "web/db", "UP"), Target(3, "mail/smtp", "DOWN"), Target(4, "web/api-2", "DOWN")]);
    }

    private IReadOnlyList<string> Names(IRenderedComponent<Dashboard> page) =>
        [.. page.FindAll("tr.target-row").Select(r => r.GetAttribute("data-target-name")!)];

    [Fact]
    public void A_link_with_group_and_state_opens_the_dashboard_filtered_to_them()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/?group=web&state=down");

        var page = Render<Dashboard>();

        Assert.Equal(["web/api", "web/api-2"], Names(page));
        Assert.Equal("down", page.Find("#dashboard-state").GetAttribute("value"));
        Assert.Equal("web", page.Find("#dashboard-group").GetAttribute("value"));
    }

    [Fact]
    public void A_link_with_a_name_searches_it_and_an_unknown_state_is_ignored()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/?q=api-2&state=sideways");

        var page = Render<Dashboard>();

        Assert.Equal(["web/api-2"], Names(page));
        Assert.Equal("", page.Find("#dashboard-state").GetAttribute("value"));
    }
}
