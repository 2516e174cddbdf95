using Bunit;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Faults;
using HealthChecker.Tests.Web.Support;
using HealthChecker.Web.Components.Pages.TargetDetail;
using HealthChecker.Web.Components.Shared;
using HealthChecker.Web.Monitoring;

namespace HealthChecker.Tests.Web.Components.Pages.TargetDetail;

// The page has the name of its folder, which is this namespace's name too.
using TargetDetail = HealthChecker.Web.Components.Pages.TargetDetail.TargetDetail;

/// <summary>The target page: live header from the monitor view, history from a real database.</summary>
public sealed class TargetDetailTests : HistoryPageContext
{
    [Fact]
    public async Task A_target_without_history_says_so_and_draws_empty_charts()
    {
        var target = await AddTargetAsync("web/api");
        Monitor.Running = false;

        var page = Render<TargetDetail>(p => p.Add(d => d.Id, target.Id));

        page.WaitForAssertion(() => Assert.Equal("web/api", page.Find("h1").TextContent));
        // The heading shows before the history is read (a render may come between the two): wait for the windows read.
        page.WaitForAssertion(() => Assert.Equal(["1 d — down 0s", "7 d — down 0s", "30 d — down 0s"], page.FindAll("[data-testid=uptime] .window").Select(w => Normalize(w.TextContent))));
        Assert.Equal("the monitor is not running", page.Find("[data-testid=not-live]").TextContent);
        Assert.Single(page.FindAll("[data-testid=duration-chart] [data-testid=no-data]"));
        Assert.Single(page.FindAll("[data-testid=pass-fail-strip] [data-testid=no-data]"));
        Assert.Empty(page.FindAll("polyline"));
        Assert.Single(page.FindAll("[data-testid=no-changes]"));
        Assert.Single(page.FindAll("[data-testid=no-results]"));
        // Viewing only: no edit link or pause button.
        Assert.Empty(page.FindAll("button.button"));
    }

    [Fact]
    public async Task An_unknown_id_is_reported()
    {
        var page = Render<TargetDetail>(p => p.Add(d => d.Id, 424242));

        page.WaitForAssertion(() => Assert.Contains("There is no target with id 424242", page.Find("[data-testid=missing]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task History_fills_the_chart_strip_uptime_changes_and_results()
    {
        var target = await AddTargetAsync("web/db");
        // The monitor ran the whole last day; the target went DOWN 30 minutes ago, after 90 minutes UP.
        await ExecuteAsync("""
            INSERT INTO monitor_runs (started_at, last_beat_at) VALUES (now() - interval '1 day', now());
            INSERT INTO state_changes (target_id, at, from_state, to_state, status, info, duration_ms) VALUES
                (@id, now() - interval '2 hours', 'UNKNOWN', 'UP', 'L4OK', NULL, 1),
                (@id, now() - interval '30 minutes', 'UP', 'DOWN', 'L4CON', 'Connection refused', 0);
            INSERT INTO check_results (target_id, checked_at, status, passed, duration_ms, http_code, info)
            SELECT @id, now() - n * interval '1 minute', CASE WHEN n < 30 THEN 'L4CON' ELSE 'L4OK' END, n >= 30, n, NULL,
                   CASE WHEN n < 30 THEN 'Connection refused' END
            FROM generate_series(1, 150) AS n;
            SELECT hc_refresh_rollups();
            """, new { id = target.Id });
        Monitor.Set([FakeMonitorView.Target(target.Id, "web/db", "DOWN", CheckStatus.L4Connection, "Connection refused", durationMs: 1)]);

        var page = Render<TargetDetail>(p => p.Add(d => d.Id, target.Id));

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=changes] .badge").Count));
        Assert.Equal("DOWN", page.Find(".head .badge").TextContent);
        Assert.Contains("L4CON Layer4 connection problem: Connection refused", Normalize(page.Find("[data-testid=last-check]").TextContent), StringComparison.Ordinal);
        // 1 h: the 59 results of the last hour, each a point and a cell; 29 of them failed (red dots and cells).
        var line = page.Find("[data-testid=duration-chart] polyline").GetAttribute("points")!;
        Assert.Equal(59, line.Split(' ').Length);
        Assert.Equal(29, page.FindAll("[data-testid=duration-chart] circle").Count);
        Assert.Equal(59, page.FindAll("[data-testid=pass-fail-strip] rect:not(.track)").Count);
        Assert.Equal(29, page.FindAll("[data-testid=pass-fail-strip] rect.fail").Count);
        // Newest first, with the reason.
        var changes = page.FindAll("[data-testid=changes] tbody tr");
        Assert.Equal("UP → DOWN L4CON Connection refused", Normalize(string.Concat(changes[0].QuerySelectorAll("td").Skip(1).Select(c => c.TextContent + " "))));
        Assert.Equal(2, changes.Count);
        var results = page.FindAll("[data-testid=results] tbody tr");
        Assert.Equal(100, results.Count);
        Assert.Equal("L4CON 1 ms Connection refused", Normalize(string.Concat(results[0].QuerySelectorAll("td").Skip(1).Select(c => c.TextContent + " "))));
        // 24 h: 90 minutes UP and 30 DOWN observed, the rest before the first change.
        var day = Normalize(page.FindAll("[data-testid=uptime] .window")[0].TextContent);
        // (The ongoing DOWN period grows by the time the test takes: the figure is near 75 %, not exactly.)
        var pct = decimal.Parse(day.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(pct, 74.9m, 75.0m);

        // 24 h from the minute rollups: one bucket per minute with checks.
        page.FindAll(".ranges button").Single(b => b.TextContent == "24 h").Click();
        page.WaitForAssertion(() => Assert.Equal("true", page.FindAll(".ranges button").Single(b => b.TextContent == "24 h").GetAttribute("aria-pressed")));
        page.WaitForAssertion(() => Assert.Equal(150, page.Find("[data-testid=duration-chart] polyline").GetAttribute("points")!.Split(' ').Length));
        Assert.Equal(29, page.FindAll("[data-testid=pass-fail-strip] rect.fail").Count);
    }

    [Fact]
    public async Task The_page_names_the_node_that_checks_the_target_and_says_when_its_values_are_stale()
    {
        var local = await AddTargetAsync("web/api");
        var remote = await AddTargetAsync("web/db");
        Monitor.Set([FakeMonitorView.Target(local.Id, "web/api", "UP", CheckStatus.L4Ok), FakeMonitorView.Target(remote.Id, "web/db", "DOWN", CheckStatus.L4Connection)]);
        Monitor.Owners[local.Id] = new TargetOwner("node-a", Self: true);
        Monitor.Owners[remote.Id] = new TargetOwner("node-b", Self: false);
        Monitor.Stale.Add(remote.Id);

        var here = Render<TargetDetail>(p => p.Add(d => d.Id, local.Id));
        here.WaitForAssertion(() => Assert.Equal("this node (node-a)", Normalize(here.Find("[data-testid=node]").TextContent)));
        Assert.Empty(here.FindAll("[data-testid=stale]"));

        var there = Render<TargetDetail>(p => p.Add(d => d.Id, remote.Id));
        there.WaitForAssertion(() => Assert.Equal("node-b", there.Find("[data-testid=node]").GetAttribute("data-node")));
        Assert.Equal("node-b (not answering: last known values)", Normalize(there.Find("[data-testid=node]").TextContent));
        Assert.Equal("DOWN", there.Find(".head .badge").TextContent);
    }

    [Fact]
    public async Task A_window_below_100_percent_shows_the_down_time_behind_it()
    {
        var target = await AddTargetAsync("web/db");
        // Observed for 0.7 s an hour and a half minute ago: UP 0.6 s, DOWN 0.1 s (86 %), then paused ever since. The half
        // minute keeps the paused time within "1h 0m" however long the page takes to read it (it reads "now").
        await ExecuteAsync("""
            INSERT INTO monitor_runs (started_at, last_beat_at) VALUES (now() - interval '1 day', now());
            INSERT INTO state_changes (target_id, at, from_state, to_state, status, info, duration_ms) VALUES
                (@id, now() - interval '1 hour 30 seconds', 'UNKNOWN', 'UP', 'L4OK', NULL, 1),
                (@id, now() - interval '1 hour 30 seconds' + interval '600 milliseconds', 'UP', 'DOWN', 'L4CON', 'Connection refused', 0),
                (@id, now() - interval '1 hour 30 seconds' + interval '700 milliseconds', 'DOWN', 'MAINT', NULL, NULL, NULL);
            """, new { id = target.Id });

        var page = Render<TargetDetail>(p => p.Add(d => d.Id, target.Id));

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=changes] tbody tr").Count));
        var day = Normalize(page.FindAll("[data-testid=uptime] .window")[0].TextContent);
        Assert.StartsWith("1 d 85.714 % down <1s of <1s observed · paused 1h 0m", day, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_history_reload_that_fails_after_a_state_change_is_logged_and_counted_as_a_page_fault()
    {
        var target = await AddTargetAsync("web/db");
        Monitor.Set([FakeMonitorView.Target(target.Id, "web/db", "UP", CheckStatus.L4Ok, lastChange: DateTimeOffset.UtcNow.AddMinutes(-5))]);
        var page = Render<TargetDetail>(p => p.Add(d => d.Id, target.Id));
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=uptime] .window").Count));
        // The uptime query now fails: the reload the state change starts runs in a task the page does not await.
        await ExecuteAsync("DROP VIEW state_intervals CASCADE");

        Monitor.Publish(FakeMonitorView.Target(target.Id, "web/db", "DOWN", CheckStatus.L4Connection, "refused", lastChange: DateTimeOffset.UtcNow));

        // Not a render: the page has nothing new to draw, so poll the count itself.
        await MonitorProbe.EventuallyAsync(() => Task.FromResult(Faults.Count(FaultKind.PageTask) == 1), "the failed reload is recorded", seconds: 30);
        Assert.Contains($"target page {target.Id}", Faults.Last!.Description, StringComparison.Ordinal);
        Assert.Contains("state_intervals", Faults.Last.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_live_header_follows_the_monitor_view()
    {
        var target = await AddTargetAsync("web/api");
        Monitor.Set([FakeMonitorView.Target(target.Id, "web/api", "UP", CheckStatus.L4Ok)]);
        var page = Render<TargetDetail>(p => p.Add(d => d.Id, target.Id));
        page.WaitForAssertion(() => Assert.Equal("UP", page.Find(".head .badge").TextContent));

        Monitor.Publish(FakeMonitorView.Target(target.Id, "web/api", "UP 2/3", CheckStatus.L4Timeout, "connect timed out"));

        page.WaitForAssertion(() => Assert.Equal("UP 2/3", page.Find(".head .badge").TextContent));
        Assert.Contains("connect timed out", page.Find("[data-testid=last-check]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flapping_target_is_marked_flapping_in_its_header()
    {
        var target = await AddTargetAsync("web/api");
        Monitor.Set([FakeMonitorView.Target(target.Id, "web/api", "DOWN", CheckStatus.L4Connection, "Connection refused")]);
        Flapping.Targets.Add("web/api");

        var page = Render<TargetDetail>(p => p.Add(d => d.Id, target.Id));

        page.WaitForAssertion(() => Assert.Equal("flapping", page.Find(".head [data-testid=flapping]").TextContent));
    }

    [Fact]
    public async Task Signed_in_the_page_links_to_edit_and_pauses()
    {
        var target = await AddTargetAsync("web/api");
        Auth.SetAuthorized("admin");
        Auth.SetRoles("admin");

        var page = Render<TargetDetail>(p => p.Add(d => d.Id, target.Id));
        page.WaitForAssertion(() => Assert.Equal($"targets/{target.Id}/edit", page.Find("a.button").GetAttribute("href")));

        page.Find("button.button").Click();

        page.WaitForAssertion(() => Assert.Equal("web/api paused.", page.Find("[role=status]").TextContent));
        Assert.False((await Targets.GetAsync(target.Id))!.Enabled);
        Assert.Equal("Resume", page.Find("button.button").TextContent);
    }

    [Fact]
    public void The_chart_maps_points_onto_the_drawing_area()
    {
        var from = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        ChartPoint[] points = [new(from, 0, false), new(from.AddMinutes(30), 50, true), new(from.AddHours(1), 100, false)];

        var chart = Render<DurationChart>(p => p.Add(c => c.Points, points).Add(c => c.From, from).Add(c => c.To, from.AddHours(1)));

        // x from 52 to 720, y from 150 (0 ms) to 8 (the axis top, 100 ms).
        Assert.Equal("52,150 386,79 720,8", chart.Find("polyline").GetAttribute("points"));
        Assert.Equal(("386", "79"), (chart.Find("circle").GetAttribute("cx"), chart.Find("circle").GetAttribute("cy")));
        Assert.Contains("100 ms", chart.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void The_strip_colours_cells_by_their_passes_and_failures()
    {
        var from = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        StripCell[] cells = [new(from, from.AddHours(1), 60, 0), new(from.AddHours(1), from.AddHours(2), 0, 60), new(from.AddHours(2), from.AddHours(3), 30, 30)];

        var strip = Render<PassFailStrip>(p => p.Add(c => c.Cells, cells).Add(c => c.From, from).Add(c => c.To, from.AddHours(4)));

        var rects = strip.FindAll("rect:not(.track)");
        Assert.Equal(["pass", "fail", "mixed"], rects.Select(r => r.ClassName));
        Assert.Equal(["52", "219", "386"], rects.Select(r => r.GetAttribute("x")));
        Assert.Equal("2026-01-01 02:00:00: 30 passed, 30 failed", rects[2].TextContent);
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
