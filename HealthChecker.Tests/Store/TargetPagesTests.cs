using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Store;

/// <summary>Keyset pages of <c>targets</c> (<see cref="ITargetPages"/>) and the unbuffered read of every target, on a real PostgreSQL.</summary>
public sealed class TargetPagesTests
{
    [Fact]
    public async Task Pages_after_and_before_a_key_walk_the_list_by_group_then_name_and_count_is_every_target()
    {
        await using var db = await OpenAsync();
        var store = new TargetStore(db.DataSource);
        var expected = await SeedAsync(store, 25);

        Assert.Equal(25, await store.CountAsync());
        var walked = new List<string>();
        TargetKey? after = null;
        while (true)
        {
            var page = await store.PageAfterAsync(after, 4);
            walked.AddRange(page.Select(t => t.FullName));
            if (page.Count < 4)
            {
                break;
            }

            after = TargetKey.Of(page[^1]);
        }

        Assert.Equal(expected, walked);
        // Before a key: the targets just before it, still in list order.
        Assert.Equal(expected[6..10], (await store.PageBeforeAsync(Key(expected[10]), 4)).Select(t => t.FullName));
        Assert.Equal(expected[..3], (await store.PageBeforeAsync(Key(expected[3]), 4)).Select(t => t.FullName));
        // A key that names no target still places the page: after "b/t05x" comes "b/t08" (b holds t02, t05, t08, ...).
        Assert.Equal("b/t08", (await store.PageAfterAsync(new TargetKey("b", "t05x"), 1))[0].FullName);
        Assert.Empty(await store.PageAfterAsync(Key(expected[^1]), 4));
    }

    [Fact]
    public async Task A_snapshot_yields_every_target_in_list_order_and_the_same_rows_when_read_again_after_a_write()
    {
        await using var db = await OpenAsync();
        var store = new TargetStore(db.DataSource);
        var expected = await SeedAsync(store, 30);

        await using var snapshot = await store.OpenSnapshotAsync();
        var first = new List<string>();
        await foreach (var target in snapshot.ReadAllAsync())
        {
            first.Add(target.FullName);
        }

        var deleted = (await store.PageAfterAsync(null, 1))[0];
        Assert.True(await store.DeleteAsync(deleted.Id));
        var second = new List<string>();
        await foreach (var target in snapshot.ReadAllAsync())
        {
            second.Add(target.FullName);
        }

        Assert.Equal(expected, first);
        Assert.Equal(expected, second);
    }

    [Theory]
    [InlineData("web/app", true)]
    [InlineData("web/app with spaces", true)]
    [InlineData("web", false)]
    [InlineData("/app", false)]
    [InlineData("web/", false)]
    [InlineData("a/b/c", false)]
    [InlineData("web/a\u0000b", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_key_reads_from_a_full_name_with_one_slash_and_writes_back_the_same(string? text, bool reads)
    {
        Assert.Equal(reads, TargetKey.TryParse(text, out var key));
        if (reads)
        {
            Assert.Equal(text, key.ToString());
        }
    }

    [Fact]
    public void A_key_longer_than_two_names_is_refused()
    {
        Assert.False(TargetKey.TryParse(new string('g', TargetValidator.MaxNameLength + 1) + "/" + new string('n', TargetValidator.MaxNameLength), out _));
        Assert.True(TargetKey.TryParse(new string('g', TargetValidator.MaxNameLength) + "/" + new string('n', TargetValidator.MaxNameLength), out _));
    }

    // Three groups, names added out of order; returns the full names in list order.
    private static async Task<List<string>> SeedAsync(TargetStore store, int count)
    {
        var names = Enumerable.Range(0, count).Select(i => $"{"cab"[i % 3]}/t{i:D2}").ToList();
        await store.ImportAsync([.. names.OrderByDescending(n => n, StringComparer.Ordinal).Select(n => TargetStoreTests.Define(n, "tcp://127.0.0.1:80"))], removeOthers: false);
        return [.. names.Order(StringComparer.Ordinal)];
    }

    private static TargetKey Key(string fullName) => TargetKey.TryParse(fullName, out var key) ? key : throw new ArgumentException(fullName);

    private static async Task<HealthCheckerDatabase> OpenAsync() =>
        await HealthCheckerDatabase.OpenAsync(await TestDatabase.CreateEmptyAsync(), "unused", TestLog.Silent);
}
