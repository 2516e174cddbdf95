using AngleSharp.Dom;
using Bunit;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Faults;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using HealthChecker.Web.Components.Pages.Dashboard;
using HealthChecker.Web.Monitoring;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using static HealthChecker.Tests.Web.Support.FakeMonitorView;

namespace HealthChecker.Tests.Web.Components.Pages.Dashboard;

// The page has the name of its folder, which is this namespace's name too.
using Dashboard = HealthChecker.Web.Components.Pages.Dashboard.Dashboard;

/// <summary>The dashboard reads only the monitor view: every state it shows is set here.</summary>
public sealed class DashboardTests : BunitContext
{
    private readonly FlappingTargetsSource _flapping = new();
    private readonly FakeMonitorView _monitor = new();

    public DashboardTests()
    {
        Services.AddSingleton<IMonitorView>(_monitor);
        Services.AddSingleton(new FaultLog(TestLog.Silent));
        Services.AddSingleton(new UnreadableTargets());
        Services.AddSingleton<HealthChecker.Web.Alerting.IFlappingTargets>(_flapping);
        Services.AddSingleton(TimeProvider.System);
        // Live over a circuit; a test of the prerendered HTML says otherwise.
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void No_targets_shows_the_empty_state_zero_totals_and_no_table()
    {
        var page = Render<Dashboard>();

        Assert.Contains("No targets yet.", page.Find("[data-testid=no-targets]").TextContent, StringComparison.Ordinal);
        Assert.Equal("0 targets 0 up 0 down 0 paused", Normalize(page.Find("[data-testid=totals]").TextContent));
        Assert.Empty(page.FindAll("table"));
        Assert.Empty(page.FindAll("[data-testid=engine-stopped]"));
    }

    [Fact]
    public void A_monitor_that_does_not_run_is_said_so()
    {
        _monitor.Running = false;

        var page = Render<Dashboard>();

        Assert.Contains("The monitor is not running", page.Find("[data-testid=engine-stopped]").TextContent, StringComparison.Ordinal);
        Assert.Contains("once the monitor runs", page.Find("[data-testid=no-targets]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_target_shows_its_state_status_info_duration_and_recent_results()
    {
        _monitor.Set([
            Target(1, "web/api", "UP", CheckStatus.L4Ok, durationMs: 2, recent: [true, true, true]),
            Target(2, "web/db", "DOWN", CheckStatus.L4Connection, "Connection refused", durationMs: 7, recent: [false, false, false, true]),
        ]);

        var page = Render<Dashboard>();

        var row = Row(page, "web/db");
        Assert.Equal("DOWN", row.QuerySelector(".badge")!.TextContent);
        Assert.Contains("down", row.QuerySelector(".badge")!.ClassList);
        var cells = row.QuerySelectorAll("td").Select(c => Normalize(c.TextContent)).ToArray();
        Assert.Equal(["DOWN", "db", "L4CON Connection refused", "7 ms", "5m 0s"], cells[..5]);
        // Oldest on the left: the one pass first, then the three failures, each with its result as a tooltip.
        var ticks = row.QuerySelectorAll(".tick");
        Assert.Equal(["pass", "fail", "fail", "fail"], ticks.Select(t => t.ClassList.Contains("pass") ? "pass" : "fail"));
        Assert.EndsWith("L4CON 7 ms: Connection refused", ticks[^1].GetAttribute("title"), StringComparison.Ordinal);
        Assert.Equal("targets/2", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("2 targets 1 up 1 down 0 paused", Normalize(page.Find("[data-testid=totals]").TextContent));
    }

    [Fact]
    public void A_flapping_target_has_a_flapping_badge_on_its_row_and_the_others_none()
    {
        _monitor.Set([Target(1, "web/api", "UP", CheckStatus.L4Ok), Target(2, "web/db", "DOWN", CheckStatus.L4Connection, "Connection refused")]);
        _flapping.Targets.Add("web/db");

        var page = Render<Dashboard>();

        Assert.Equal("flapping", Row(page, "web/db").QuerySelector("[data-testid=flapping]")!.TextContent);
        Assert.Null(Row(page, "web/api").QuerySelector("[data-testid=flapping]"));
    }

    [Fact]
    public void Transitional_and_maintenance_states_have_their_own_colours()
    {
        _monitor.Set([Target(1, "a/up", "UP 2/3"), Target(2, "a/down", "DOWN 1/2"), Target(3, "a/paused", "MAINT")]);

        var page = Render<Dashboard>();

        Assert.Contains("changing", Row(page, "a/up").QuerySelector(".badge")!.ClassList);
        Assert.Contains("changing", Row(page, "a/down").QuerySelector(".badge")!.ClassList);
        Assert.Contains("maint", Row(page, "a/paused").QuerySelector(".badge")!.ClassList);
        Assert.Equal("paused", Normalize(Row(page, "a/paused").QuerySelectorAll("td")[2].TextContent));
    }

    [Fact]
    public void Dropped_results_and_an_unreachable_database_are_shown()
    {
        _monitor.DroppedResults = 12345;
        _monitor.DatabaseUnreachable = true;
        _monitor.Set([Target(1, "web/api", "UP")]);

        var page = Render<Dashboard>();

        Assert.StartsWith("12,345 results were dropped", page.Find("[data-testid=dropped-results]").TextContent, StringComparison.Ordinal);
        Assert.Contains("The database is unreachable", page.Find("[data-testid=database-unreachable]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_thousand_targets_render_only_a_window_of_rows()
    {
        _monitor.Set(Enumerable.Range(1, 10_000).Select(i => Target(i, $"g{i % 10}/app{i:D5}", i % 7 == 0 ? "DOWN" : "UP", recent: [true, false])));

        var page = Render<Dashboard>();

        Assert.Equal("10,000 targets 8,572 up 1,428 down 0 paused", Normalize(page.Find("[data-testid=totals]").TextContent));
        Assert.Equal("10,000 shown", page.Find("[data-testid=shown]").TextContent);
        // Once Virtualize shows rows, the ones written for the warm-up are gone.
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("tbody.warming, tr.rest")));
        var rendered = page.FindAll("tr.target-row").Count;
        Assert.InRange(rendered, 1, 500);
        // Sorted by group then name, each group under its header.
        Assert.Equal("g0", page.Find("tr.group-row").GetAttribute("data-group"));
        Assert.Equal("g0/app00010", page.Find("tr.target-row").GetAttribute("data-target-name"));
    }

    [Fact]
    public void The_prerendered_page_holds_the_first_screenful_of_rows_and_a_spacer_for_the_rest()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        _monitor.Set(Enumerable.Range(1, 10_000).Select(i => Target(i, $"g{i % 10}/app{i:D5}", "UP")));

        var page = Render<Dashboard>();

        // 40 rows: the header of g0 and its first 39 targets; below them one spacer as tall as the other 9 970 rows.
        var rows = page.FindAll("tbody tr");
        Assert.Equal(41, rows.Count);
        Assert.Equal("g0", rows[0].GetAttribute("data-group"));
        Assert.Equal("g0/app00010", rows[1].GetAttribute("data-target-name"));
        Assert.Equal(39, page.FindAll("tr.target-row").Count);
        Assert.Equal("true", rows[^1].GetAttribute("aria-hidden"));
        Assert.Equal($"height: {9_970 * 38}px", rows[^1].GetAttribute("style"));
        Assert.Equal("10,000 targets 10,000 up 0 down 0 paused", Normalize(page.Find("[data-testid=totals]").TextContent));
    }

    [Fact]
    public void A_prerendered_page_with_few_targets_holds_them_all_and_no_spacer()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        _monitor.Set([Target(1, "web/api", "UP"), Target(2, "mail/smtp", "DOWN")]);

        var page = Render<Dashboard>();

        Assert.Equal(["mail", "mail/smtp", "web", "web/api"],
            page.FindAll("tbody tr").Select(r => r.GetAttribute("data-group") ?? r.GetAttribute("data-target-name")));
    }

    [Fact]
    public void A_published_change_re_renders_the_row_with_its_new_state()
    {
        _monitor.Set([Target(1, "web/api", "UP", CheckStatus.L4Ok), Target(2, "web/db", "UP", CheckStatus.L4Ok)]);
        var page = Render<Dashboard>();
        Assert.Equal("UP", Row(page, "web/db").GetAttribute("data-state"));

        _monitor.Publish(Target(2, "web/db", "UP 2/3", CheckStatus.L4Connection, "Connection refused"));
        page.WaitForAssertion(() => Assert.Equal("UP 2/3", Row(page, "web/db").GetAttribute("data-state")));

        _monitor.Publish(Target(2, "web/db", "DOWN", CheckStatus.L4Timeout, "connect timed out"));
        page.WaitForAssertion(() => Assert.Equal("DOWN", Row(page, "web/db").GetAttribute("data-state")));
        Assert.Contains("L4TOUT connect timed out", Normalize(Row(page, "web/db").TextContent), StringComparison.Ordinal);
        Assert.Equal("UP", Row(page, "web/api").GetAttribute("data-state"));
        Assert.Equal("2 targets 1 up 1 down 0 paused", Normalize(page.Find("[data-testid=totals]").TextContent));

        // A target added at run time appears as well.
        _monitor.Publish(Target(3, "other/new", "DOWN 1/2"));
        page.WaitForAssertion(() => Assert.Equal("DOWN 1/2", Row(page, "other/new").GetAttribute("data-state")));
    }

    [Fact]
    public async Task Leaving_the_page_unsubscribes_from_changes()
    {
        var page = Render<Dashboard>();
        Assert.Equal(1, _monitor.Subscribers);

        await DisposeComponentsAsync();

        Assert.Equal(0, _monitor.Subscribers);
    }

    [Fact]
    public void State_filter_search_and_group_narrow_the_rows_and_headers()
    {
        _monitor.Set([
            Target(1, "web/api", "UP"), Target(2, "web/db", "DOWN"), Target(3, "web/cache", "UP 1/3"),
            Target(4, "mail/smtp", "DOWN 1/2"), Target(5, "mail/imap", "MAINT"), Target(6, "mail/API-gw", "UP"),
        ]);
        var page = Render<Dashboard>();
        Assert.Equal(["mail", "web"], Groups(page));
        Assert.Equal(["mail/API-gw", "mail/imap", "mail/smtp", "web/api", "web/cache", "web/db"], Names(page));

        page.Find("#dashboard-state").Change("down");
        Assert.Equal(["web/db"], Names(page));
        page.Find("#dashboard-state").Change("changing");
        Assert.Equal(["mail/smtp", "web/cache"], Names(page));
        page.Find("#dashboard-state").Change("maint");
        Assert.Equal(["mail/imap"], Names(page));
        // Up means fully up: a target on its way down is "changing".
        page.Find("#dashboard-state").Change("up");
        Assert.Equal(["mail/API-gw", "web/api"], Names(page));

        page.Find("#dashboard-state").Change("");
        page.Find("#dashboard-search").Input("api");
        Assert.Equal(["mail/API-gw", "web/api"], Names(page));
        Assert.Equal("2 shown", page.Find("[data-testid=shown]").TextContent);

        page.Find("#dashboard-group").Change("web");
        Assert.Equal(["web"], Groups(page));
        Assert.Equal(["web/api"], Names(page));

        page.Find("#dashboard-search").Input("nothing-like-this");
        Assert.Equal("No target matches.", page.Find("[data-testid=no-match]").TextContent);
    }

    [Fact]
    public void A_name_with_markup_is_shown_as_text()
    {
        _monitor.Set([Target(1, "web/<script>alert(1)</script>", "DOWN", CheckStatus.L7Status, "<b>bold</b>")]);

        var page = Render<Dashboard>();

        Assert.Empty(page.FindAll("tr.target-row script"));
        Assert.Empty(page.FindAll("tr.target-row b"));
        Assert.Equal("<script>alert(1)</script>", page.Find("tr.target-row .name").TextContent.Trim());
        Assert.Contains("<b>bold</b>", page.Find("tr.target-row .info").TextContent, StringComparison.Ordinal);
    }

    private static IElement Row(IRenderedComponent<Dashboard> page, string name) =>
        page.Find($"tr.target-row[data-target-name='{name}']");

    private static string[] Names(IRenderedComponent<Dashboard> page) =>
        [.. page.FindAll("tr.target-row").Select(r => r.GetAttribute("data-target-name")!)];

    private static string[] Groups(IRenderedComponent<Dashboard> page) =>
        [.. page.FindAll("tr.group-row").Select(r => r.GetAttribute("data-group")!)];

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
