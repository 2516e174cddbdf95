using HealthChecker.Core.Store;
using HealthChecker.Tests.Store;
using HealthChecker.Tests.Support;
using HealthChecker.Web.Targets;

namespace HealthChecker.Tests.Web.Targets;

/// <summary>The pages of the /targets list (<see cref="TargetListing"/>) over the real store.</summary>
public sealed class TargetListingTests
{
    [Fact]
    public async Task Next_walks_every_target_once_and_previous_walks_back_to_a_full_first_page()
    {
        await using var db = await OpenAsync();
        var names = await SeedAsync(new TargetStore(db.DataSource), 25);
        var listing = new TargetListing(new TargetStore(db.DataSource));

        var first = await listing.LoadAsync(null, null, size: 10);
        Assert.Equal((25, null, names[9]), (first.Total, first.Before, first.After));
        var second = await listing.LoadAsync(first.After, null, size: 10);
        var third = await listing.LoadAsync(second.After, null, size: 10);

        Assert.Equal(names, Names(first).Concat(Names(second)).Concat(Names(third)));
        Assert.Equal((names[10], names[19]), (second.Before, second.After));
        Assert.Equal((names[20], null), (third.Before, third.After));

        var backToSecond = await listing.LoadAsync(null, third.Before, size: 10);
        Assert.Equal(Names(second), Names(backToSecond));
        Assert.Equal((second.Before, second.After), (backToSecond.Before, backToSecond.After));
        // Fewer than a page before the cursor: the first page, full, with no Previous.
        var backToFirst = await listing.LoadAsync(null, names[4], size: 10);
        Assert.Equal(Names(first), Names(backToFirst));
        Assert.Equal((null, names[9]), (backToFirst.Before, backToFirst.After));
    }

    [Fact]
    public async Task A_cursor_that_is_no_name_gives_the_first_page_and_one_past_the_end_an_empty_page_leading_back()
    {
        await using var db = await OpenAsync();
        var names = await SeedAsync(new TargetStore(db.DataSource), 5);
        var listing = new TargetListing(new TargetStore(db.DataSource));

        foreach (var (after, before) in new[] { ("not-a-name", null), (null, "a/b/c"), ("\u0001/x", "") })
        {
            Assert.Equal(names, Names(await listing.LoadAsync(after, before, size: 10)));
        }

        var past = await listing.LoadAsync("zz/zz", null, size: 10);
        Assert.Equal((0, 5, "zz/zz", null), (past.Targets.Count, past.Total, past.Before, past.After));
    }

    [Fact]
    public void Links_carry_the_cursor_escaped()
    {
        var page = new TargetListPage([], 2, "web/a b", "web/x&y=z");

        Assert.Equal(("targets?before=web%2Fa%20b", "targets?after=web%2Fx%26y%3Dz"), (page.PreviousLink, page.NextLink));
        Assert.Null((page with { Before = null }).PreviousLink);
        Assert.Null((page with { After = null }).NextLink);
    }

    private static List<string> Names(TargetListPage page) => [.. page.Targets.Select(t => t.FullName)];

    private static async Task<List<string>> SeedAsync(TargetStore store, int count)
    {
        var names = Enumerable.Range(0, count).Select(i => $"{"yxw"[i % 3]}/t{i:D2}").ToList();
        await store.ImportAsync([.. names.Select(n => TargetStoreTests.Define(n, "tcp://127.0.0.1:80"))], removeOthers: false);
        return [.. names.Order(StringComparer.Ordinal)];
    }

    private static async Task<HealthCheckerDatabase> OpenAsync() =>
        await HealthCheckerDatabase.OpenAsync(await TestDatabase.CreateEmptyAsync(), "unused", TestLog.Silent);
}
