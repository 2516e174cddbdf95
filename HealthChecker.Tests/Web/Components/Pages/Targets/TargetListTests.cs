using Bunit;
using HealthChecker.Core.Store;
using HealthChecker.Web.Components.Pages.Targets;
using HealthChecker.Web.Targets;

namespace HealthChecker.Tests.Web.Components.Pages.Targets;

public sealed class TargetListTests : BunitContext
{
    [Fact]
    public void No_targets_shows_the_empty_state_and_no_table()
    {
        var list = Render<TargetList>(p => p.Add(l => l.Targets, Array.Empty<TargetRecord>()));

        Assert.Contains("No targets yet.", list.Find("[data-testid=no-targets]").TextContent, StringComparison.Ordinal);
        Assert.Empty(list.FindAll("table"));
    }

    [Fact]
    public void Many_targets_are_one_row_each_with_name_kind_check_interval_and_state()
    {
        var targets = Enumerable.Range(1, 500)
            .Select(i => Target(i, $"web/app{i:D3}", "tcp", "{\"check\": \"tcp://10.0.0.5:" + (1000 + i) + "\"}", enabled: i % 2 == 0))
            .ToArray();

        var list = Render<TargetList>(p => p.Add(l => l.Targets, targets));

        var rows = list.FindAll("tbody tr");
        Assert.Equal(500, rows.Count);
        Assert.Equal(["web/app001", "tcp", "tcp://10.0.0.5:1001", "2s", "paused"], Cells(rows[0]));
        Assert.Equal(["web/app500", "tcp", "tcp://10.0.0.5:1500", "2s", "enabled"], Cells(rows[499]));
        // Viewing only: no actions.
        Assert.Empty(list.FindAll("button"));
    }

    [Fact]
    public void Delete_asks_first_and_only_the_confirmation_deletes()
    {
        var deleted = new List<long>();
        var list = Render<TargetList>(p => p
            .Add(l => l.Targets, [Target(7, "web/a", "tcp", "{}", enabled: true)])
            .Add(l => l.CanEdit, true)
            .Add(l => l.OnDelete, (TargetRecord t) => deleted.Add(t.Id)));

        Button(list, "Delete").Click();
        Assert.Contains("Delete web/a and its history?", list.Find("[role=alert]").TextContent, StringComparison.Ordinal);
        Button(list, "Cancel").Click();
        Assert.Empty(deleted);

        Button(list, "Delete").Click();
        Button(list, "Yes, delete").Click();
        Assert.Equal([7L], deleted);
    }

    [Fact]
    public void The_pager_says_how_many_of_the_total_and_links_only_the_pages_that_exist()
    {
        var shown = Enumerable.Range(1, 100).Select(i => Target(i, $"web/app{i:D3}", "tcp", "{}", enabled: true)).ToArray();

        var middle = Render<TargetPager>(p => p.Add(l => l.Page, new TargetListPage(shown, 100_000, "web/app001", "web/app100")));
        var first = Render<TargetPager>(p => p.Add(l => l.Page, new TargetListPage(shown, 100_000, null, "web/app100")));
        var last = Render<TargetPager>(p => p.Add(l => l.Page, new TargetListPage(shown[..1], 1, "web/app001", null)));

        Assert.Equal("100 shown of 100,000 targets", middle.Find("[data-testid=page-count]").TextContent);
        Assert.Equal([("first", "targets"), ("prev", "targets?before=web%2Fapp001"), ("next", "targets?after=web%2Fapp100")], Links(middle));
        Assert.Equal([("next", "targets?after=web%2Fapp100")], Links(first));
        Assert.Equal("1 shown of 1 target", last.Find("[data-testid=page-count]").TextContent);
        Assert.Equal([("first", "targets"), ("prev", "targets?before=web%2Fapp001")], Links(last));
    }

    private static (string, string)[] Links(IRenderedComponent<TargetPager> pager) =>
        [.. pager.FindAll("a").Select(a => (a.GetAttribute("rel")!, a.GetAttribute("href")!))];

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<TargetList> list, string text) =>
        list.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static string[] Cells(AngleSharp.Dom.IElement row) =>
        [.. row.QuerySelectorAll("td").Select(cell => cell.TextContent.Trim())];

    private static TargetRecord Target(long id, string fullName, string kind, string options, bool enabled)
    {
        var slash = fullName.IndexOf('/', StringComparison.Ordinal);
        return new(id, fullName[(slash + 1)..], fullName[..slash], kind, "10.0.0.5", 80, options, InterMs: 2000, FastinterMs: null, DowninterMs: null,
            TimeoutMs: null, Rise: 2, Fall: 3, SpreadPct: 0, StartUp: true, Enabled: enabled, CreatedAt: DateTime.UnixEpoch, UpdatedAt: DateTime.UnixEpoch);
    }
}
