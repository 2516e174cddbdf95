using Bunit;
using Microsoft.Extensions.DependencyInjection;
using HealthChecker.Tests.Web.Support;
using HealthChecker.Web.Components.Pages.Events;

namespace HealthChecker.Tests.Web.Components.Pages.Events;

// The page has the name of its folder, which is this namespace's name too.
using Events = HealthChecker.Web.Components.Pages.Events.Events;

/// <summary>The events page over a real database: newest first, filters, 50 per page.</summary>
public sealed class EventsTests : HistoryPageContext
{
    [Fact]
    public void No_state_changes_shows_the_empty_state()
    {
        var page = Render<Events>();

        page.WaitForAssertion(() => Assert.Contains("No state changes yet", page.Find("[data-testid=no-events]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public async Task Changes_are_newest_first_with_their_reason_and_paged_by_fifty()
    {
        var web = await AddTargetAsync("web/api");
        var store = await AddTargetAsync("store/db");
        // 120 changes of web/api a minute apart (the newest a DOWN), 3 of store/db into maintenance.
        await ExecuteAsync("""
            INSERT INTO state_changes (target_id, at, from_state, to_state, status, info, duration_ms)
            SELECT @web, '2026-01-01 00:00Z'::timestamptz + n * interval '1 minute',
                   CASE WHEN n % 2 = 0 THEN 'UP' ELSE 'DOWN' END, CASE WHEN n % 2 = 0 THEN 'DOWN' ELSE 'UP' END,
                   CASE WHEN n % 2 = 0 THEN 'L4CON' ELSE 'L4OK' END, CASE WHEN n % 2 = 0 THEN 'Connection refused #' || n END, 2
            FROM generate_series(1, 120) AS n;
            INSERT INTO state_changes (target_id, at, from_state, to_state, status, info)
            SELECT @store, '2025-12-31 00:00Z'::timestamptz + n * interval '1 minute', 'UP', 'MAINT', NULL, 'paused'
            FROM generate_series(1, 3) AS n;
            """, new { web = web.Id, store = store.Id });

        var page = Render<Events>();

        page.WaitForAssertion(() => Assert.Equal(50, Rows(page).Count));
        var first = Rows(page)[0];
        Assert.Equal("2026-01-01 02:00:00 web/api UP → DOWN L4CON Connection refused #120 2 ms", Normalize(first.TextContent));
        Assert.Equal($"targets/{web.Id}", first.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("Page 1", page.Find("[data-testid=page-number]").TextContent);
        Assert.True(Button(page, "Newer").HasAttribute("disabled"));

        Button(page, "Older").Click();
        page.WaitForAssertion(() => Assert.Contains("#70", Rows(page)[0].TextContent, StringComparison.Ordinal));
        Assert.Equal("Page 2", page.Find("[data-testid=page-number]").TextContent);
        Button(page, "Older").Click();
        page.WaitForAssertion(() => Assert.Equal(23, Rows(page).Count));
        Assert.Equal("Page 3", page.Find("[data-testid=page-number]").TextContent);
        Assert.True(Button(page, "Older").HasAttribute("disabled"));
        Assert.Equal("store/db", Rows(page)[^1].GetAttribute("data-target-name"));

        Button(page, "Newer").Click();
        page.WaitForAssertion(() => Assert.Contains("#70", Rows(page)[0].TextContent, StringComparison.Ordinal));
        Assert.Equal("Page 2", page.Find("[data-testid=page-number]").TextContent);
        Button(page, "Newest").Click();
        // Page 2 has 50 rows too: wait for the newest row, not for the count.
        page.WaitForAssertion(() => Assert.Contains("#120", Rows(page)[0].TextContent, StringComparison.Ordinal));
        Assert.Equal(50, Rows(page).Count);
        Assert.Equal("Page 1", page.Find("[data-testid=page-number]").TextContent);
    }

    [Fact]
    public async Task Filters_by_name_group_and_state_start_again_from_the_newest()
    {
        var web = await AddTargetAsync("web/api");
        var cache = await AddTargetAsync("web/cache");
        var store = await AddTargetAsync("store/db");
        await ExecuteAsync("""
            INSERT INTO state_changes (target_id, at, from_state, to_state, status, info) VALUES
                (@web, '2026-01-01 00:01Z', 'UNKNOWN', 'UP', 'L4OK', NULL),
                (@web, '2026-01-01 00:02Z', 'UP', 'DOWN', 'L4CON', 'Connection refused'),
                (@cache, '2026-01-01 00:03Z', 'UNKNOWN', 'DOWN', 'L4TOUT', 'connect timed out'),
                (@store, '2026-01-01 00:04Z', 'UNKNOWN', 'UP', 'L4OK', NULL),
                (@store, '2026-01-01 00:05Z', 'UP', 'MAINT', NULL, 'paused');
            """, new { web = web.Id, cache = cache.Id, store = store.Id });

        var page = Render<Events>();
        page.WaitForAssertion(() => Assert.Equal(5, Rows(page).Count));
        Assert.Equal(["", "store", "web"], page.FindAll("#events-group option").Select(o => o.GetAttribute("value")));

        page.Find("#events-state").Change("DOWN");
        page.WaitForAssertion(() => Assert.Equal(["web/cache", "web/api"], Names(page)));

        page.Find("#events-group").Change("store");
        page.WaitForAssertion(() => Assert.Contains("No state change matches", page.Find("[data-testid=no-events]").TextContent, StringComparison.Ordinal));

        page.Find("#events-state").Change("");
        page.WaitForAssertion(() => Assert.Equal(["store/db", "store/db"], Names(page)));

        page.Find("#events-group").Change("");
        page.Find("#events-search").Change("API");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Equal(["web/api", "web/api"], Names(page)));
    }

    [Fact]
    public async Task A_change_stored_by_any_node_shows_on_the_newest_page_when_its_notice_arrives_and_an_older_page_stays()
    {
        var web = await AddTargetAsync("web/api");
        await ExecuteAsync("""
            INSERT INTO state_changes (target_id, at, from_state, to_state, status, info)
            SELECT @web, '2026-01-01 00:00Z'::timestamptz + n * interval '1 minute', 'UP', 'DOWN', 'L4CON', 'old #' || n
            FROM generate_series(1, 60) AS n;
            """, new { web = web.Id });
        var page = Render<Events>();
        page.WaitForAssertion(() => Assert.Contains("old #60", Rows(page)[0].TextContent, StringComparison.Ordinal));

        await ExecuteAsync("""
            INSERT INTO state_changes (target_id, at, from_state, to_state, status, info) VALUES (@web, '2026-01-02 00:00Z', 'DOWN', 'UP', 'L4OK', 'new #1')
            """, new { web = web.Id });
        NewChanges.Tell();
        page.WaitForAssertion(() => Assert.Contains("new #1", Rows(page)[0].TextContent, StringComparison.Ordinal));

        // On an older page the rows stay as the reader left them.
        Button(page, "Older").Click();
        page.WaitForAssertion(() => Assert.Equal("Page 2", page.Find("[data-testid=page-number]").TextContent));
        var shown = Rows(page)[0].TextContent;
        await ExecuteAsync("""
            INSERT INTO state_changes (target_id, at, from_state, to_state, status, info) VALUES (@web, '2026-01-03 00:00Z', 'UP', 'DOWN', 'L4CON', 'new #2')
            """, new { web = web.Id });
        NewChanges.Tell();
        await page.InvokeAsync(() => { });
        Assert.Equal(shown, Rows(page)[0].TextContent);
        Assert.Equal("Page 2", page.Find("[data-testid=page-number]").TextContent);

        await DisposeComponentsAsync();
        Assert.Equal(0, NewChanges.Listeners);
    }

    [Fact]
    public async Task The_target_query_fills_the_search()
    {
        var web = await AddTargetAsync("web/api");
        var other = await AddTargetAsync("web/other");
        await ExecuteAsync("""
            INSERT INTO state_changes (target_id, at, from_state, to_state) VALUES (@web, now(), 'UNKNOWN', 'UP'), (@other, now(), 'UNKNOWN', 'UP')
            """, new { web = web.Id, other = other.Id });
        NavigationManager.NavigateTo("events?target=web%2Fapi");

        var page = Render<Events>();

        page.WaitForAssertion(() => Assert.Equal(["web/api"], Names(page)));
        Assert.Equal("web/api", page.Find("#events-search").GetAttribute("value"));
    }

    private Microsoft.AspNetCore.Components.NavigationManager NavigationManager =>
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();

    [Fact]
    public async Task A_down_change_whose_alert_is_held_back_says_by_which_dependency()
    {
        var api = await AddTargetAsync("shop/api");
        var db = await AddTargetAsync("shop/db");
        var at = new DateTimeOffset(2026, 1, 1, 0, 5, 0, TimeSpan.Zero);
        await ExecuteAsync("""
            INSERT INTO state_changes (target_id, at, from_state, to_state, status, info) VALUES
              (@api, '2026-01-01 00:01Z', 'UP', 'DOWN', 'L4CON', 'Connection refused'),
              (@api, '2026-01-01 00:02Z', 'DOWN', 'UP', 'L4OK', NULL),
              (@db, '2026-01-01 00:04Z', 'UP', 'DOWN', 'L4CON', 'Connection refused'),
              (@api, '2026-01-01 00:05Z', 'UP', 'DOWN', 'L4CON', 'Connection refused');
            """, new { api = api.Id, db = db.Id });
        HeldAlerts.Items["shop/api"] = new HealthChecker.Core.Alerting.Delivery.HeldAlert("r", "ops", "shop/api", "shop/db", at, at.AddSeconds(10));

        var page = Render<Events>();

        page.WaitForAssertion(() => Assert.Equal(4, Rows(page).Count));
        var notes = page.FindAll("[data-testid=alert-held]");
        // Only the change whose alert is held now: not the earlier DOWN of the same target, nor the parent's.
        Assert.Equal("alert suppressed: depends on shop/db, which is DOWN", Assert.Single(notes).TextContent);
        Assert.Contains("alert suppressed", Rows(page)[0].TextContent, StringComparison.Ordinal);
    }

    private static IReadOnlyList<AngleSharp.Dom.IElement> Rows(IRenderedComponent<Events> page) => page.FindAll("[data-testid=events] tbody tr");

    private static string[] Names(IRenderedComponent<Events> page) => [.. Rows(page).Select(r => r.GetAttribute("data-target-name")!)];

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<Events> page, string text) =>
        page.FindAll(".pager button").Single(b => b.TextContent == text);

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
