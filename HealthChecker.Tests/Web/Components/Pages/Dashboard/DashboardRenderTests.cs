using Bunit;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Faults;
using HealthChecker.Core.Scheduling;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using HealthChecker.Web.Components.Pages.Dashboard;
using HealthChecker.Web.Monitoring;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static HealthChecker.Tests.Web.Support.FakeMonitorView;

namespace HealthChecker.Tests.Web.Components.Pages.Dashboard;

// The page has the name of its folder, which is this namespace's name too.
using Dashboard = HealthChecker.Web.Components.Pages.Dashboard.Dashboard;

/// <summary>
/// What a published change costs an open dashboard, in renders: the row whose snapshot changed, not its neighbours;
/// nothing at all on a filtered page when the change is to a target it does not list. The clock stands still, so
/// the "since change" column does not move by itself.
/// </summary>
public sealed class DashboardRenderTests : BunitContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly FlappingTargetsSource _flapping = new();
    private readonly FakeMonitorView _monitor = new();
    private readonly FakeTimeProvider _clock = new(Now);

    public DashboardRenderTests()
    {
        Services.AddSingleton<IMonitorView>(_monitor);
        Services.AddSingleton(new FaultLog(TestLog.Silent));
        Services.AddSingleton(new UnreadableTargets());
        Services.AddSingleton<HealthChecker.Web.Alerting.IFlappingTargets>(_flapping);
        Services.AddSingleton<TimeProvider>(_clock);
        // Live over a circuit; a test of the prerendered HTML says otherwise.
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void A_new_check_of_one_target_renders_that_row_again_and_no_other()
    {
        _monitor.Set(Enumerable.Range(1, 20).Select(i => Quiet(i, $"web/app{i:D2}", "UP")));
        var page = Render<Dashboard>();
        var before = RowRenders(page);
        Assert.Equal(20, before.Count);

        _monitor.Publish(Quiet(7, "web/app07", "UP 2/3", CheckStatus.L4Connection));
        page.WaitForAssertion(() => Assert.Equal("UP 2/3", page.Find("tr.target-row[data-target-name='web/app07']").GetAttribute("data-state")));

        var after = RowRenders(page);
        Assert.Equal(before["web/app07"] + 1, after["web/app07"]);
        Assert.Equal(before.Where(r => r.Key != "web/app07"), after.Where(r => r.Key != "web/app07"));
    }

    [Fact]
    public async Task A_page_filtered_by_state_does_not_render_for_a_target_it_does_not_list()
    {
        _monitor.Set([Quiet(1, "web/api", "UP"), Quiet(2, "web/db", "DOWN"), Quiet(3, "web/cache", "UP"), Quiet(4, "mail/smtp", "DOWN")]);
        var page = Render<Dashboard>();
        page.Find("#dashboard-state").Change("down");
        Assert.Equal(["mail/smtp", "web/db"], Names(page));
        var renders = page.RenderCount;

        // A new check of an UP target, still UP: not listed, totals the same.
        _monitor.Publish(Quiet(1, "web/api", "UP", CheckStatus.L4Ok, recent: [true]));
        await Handled(page);
        Assert.Equal(renders, page.RenderCount);

        // One of a listed target: the page renders for it.
        _monitor.Publish(Quiet(2, "web/db", "DOWN", CheckStatus.L4Timeout, "connect timed out"));
        page.WaitForAssertion(() => Assert.Contains("connect timed out", page.Find("tr.target-row[data-target-name='web/db']").TextContent, StringComparison.Ordinal));
        Assert.True(page.RenderCount > renders);
    }

    [Fact]
    public async Task A_page_filtered_by_group_and_name_does_not_render_for_targets_outside_it()
    {
        _monitor.Set([Quiet(1, "web/api", "UP"), Quiet(2, "web/db", "UP"), Quiet(3, "mail/smtp", "UP"), Quiet(4, "mail/api", "UP")]);
        var page = Render<Dashboard>();
        page.Find("#dashboard-group").Change("mail");
        page.Find("#dashboard-search").Input("api");
        Assert.Equal(["mail/api"], Names(page));
        var renders = page.RenderCount;

        _monitor.Publish(Quiet(1, "web/api", "UP", CheckStatus.L4Ok, recent: [true]));
        _monitor.Publish(Quiet(3, "mail/smtp", "UP", CheckStatus.L4Ok, recent: [true]));
        await Handled(page);
        Assert.Equal(renders, page.RenderCount);

        _monitor.Publish(Quiet(4, "mail/api", "UP", CheckStatus.L4Ok, "listed", recent: [true]));
        page.WaitForAssertion(() => Assert.Contains("listed", page.Find("tr.target-row[data-target-name='mail/api']").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void A_target_entering_or_leaving_the_state_filter_is_shown_or_dropped_with_the_totals()
    {
        _monitor.Set([Quiet(1, "web/api", "UP"), Quiet(2, "web/db", "DOWN"), Quiet(3, "mail/smtp", "UP")]);
        var page = Render<Dashboard>();
        page.Find("#dashboard-state").Change("down");
        Assert.Equal(["web/db"], Names(page));

        _monitor.Publish(Quiet(3, "mail/smtp", "DOWN", CheckStatus.L4Connection));
        page.WaitForAssertion(() => Assert.Equal(["mail/smtp", "web/db"], Names(page)));
        Assert.Equal(["mail", "web"], page.FindAll("tr.group-row").Select(r => r.GetAttribute("data-group")));
        Assert.Equal("2 shown", page.Find("[data-testid=shown]").TextContent);
        Assert.Contains("2 down", page.Find("[data-testid=totals]").TextContent, StringComparison.Ordinal);

        _monitor.Publish(Quiet(2, "web/db", "UP", CheckStatus.L4Ok));
        page.WaitForAssertion(() => Assert.Equal(["mail/smtp"], Names(page)));
        Assert.Equal(["mail"], page.FindAll("tr.group-row").Select(r => r.GetAttribute("data-group")));
    }

    [Fact]
    public async Task A_quiet_filtered_page_still_renders_once_a_second_so_the_since_change_column_moves()
    {
        _monitor.Set([Quiet(1, "web/api", "UP"), Quiet(2, "web/paused", "MAINT")]);
        var page = Render<Dashboard>();
        page.Find("#dashboard-state").Change("maint");
        Assert.Equal("5m 0s", page.Find("tr.target-row td:nth-child(5)").TextContent);
        var renders = page.RenderCount;

        _clock.Advance(TimeSpan.FromMilliseconds(900));
        _monitor.Publish(Quiet(1, "web/api", "UP", CheckStatus.L4Ok, recent: [true]));
        await Handled(page);
        Assert.Equal(renders, page.RenderCount);

        _clock.Advance(TimeSpan.FromMilliseconds(100));
        _monitor.Publish(Quiet(1, "web/api", "UP", CheckStatus.L4Ok, recent: [true, true]));
        page.WaitForAssertion(() => Assert.Equal("5m 1s", page.Find("tr.target-row td:nth-child(5)").TextContent));
    }

    /// <summary>A target whose last change was five minutes before the fixed clock.</summary>
    private static TargetSnapshot Quiet(long id, string name, string display, CheckStatus? status = null, string info = "", bool[]? recent = null) =>
        Target(id, name, display, status, info, recent: recent, lastChange: Now.AddMinutes(-5));

    // The renderer's dispatcher runs work in the order it was queued: once this no-op ran, so did the page's handler.
    private static Task Handled(IRenderedComponent<Dashboard> page) => page.InvokeAsync(() => { });

    private static Dictionary<string, int> RowRenders(IRenderedComponent<Dashboard> page) =>
        page.FindComponents<DashboardRow>().ToDictionary(r => r.Instance.Target.Target, r => r.RenderCount);

    private static string[] Names(IRenderedComponent<Dashboard> page) =>
        [.. page.FindAll("tr.target-row").Select(r => r.GetAttribute("data-target-name")!)];
}
