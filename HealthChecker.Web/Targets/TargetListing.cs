using HealthChecker.Core.Store;

namespace HealthChecker.Web.Targets;

/// <summary>
/// The pages of the <c>/targets</c> list, by group then name: <see cref="PageSize"/> targets after a cursor
/// (<c>?after=group/name</c>, the last target of the page before) or before one (<c>?before=</c>, for Previous).
/// A cursor that does not parse, or a Previous that reaches the start, gives the first page.
/// </summary>
public sealed class TargetListing(ITargetPages pages)
{
    public const int PageSize = 100;

    public async Task<TargetListPage> LoadAsync(string? after, string? before, int size = PageSize, CancellationToken ct = default)
    {
        // The total and the page on two connections at once: the count is most of a page's time at 100 000 targets.
        var count = pages.CountAsync(ct);
        if (TargetKey.TryParse(before, out var end))
        {
            // One more than a page: whether a page lies before this one.
            var rows = await pages.PageBeforeAsync(end, size + 1, ct);
            if (rows.Count > size)
            {
                var shown = rows.Skip(1).ToList();
                return new TargetListPage(shown, await count, Cursor(shown[0]), Cursor(shown[^1]));
            }

            return await FirstAsync(count, size, ct);
        }

        if (!TargetKey.TryParse(after, out var start))
        {
            return await FirstAsync(count, size, ct);
        }

        var next = await pages.PageAfterAsync(start, size + 1, ct);
        var page = next.Take(size).ToList();
        // Past the end (the last targets deleted meanwhile): Previous leads back to the page that ends at the cursor.
        var previous = page.Count > 0 ? Cursor(page[0]) : start.ToString();
        return new TargetListPage(page, await count, previous, next.Count > size ? Cursor(page[^1]) : null);
    }

    private async Task<TargetListPage> FirstAsync(Task<int> count, int size, CancellationToken ct)
    {
        var rows = await pages.PageAfterAsync(null, size + 1, ct);
        var page = rows.Take(size).ToList();
        return new TargetListPage(page, await count, null, rows.Count > size ? Cursor(page[^1]) : null);
    }

    private static string Cursor(TargetRecord target) => TargetKey.Of(target).ToString();
}

/// <summary>
/// One page of the list: its <see cref="Targets"/>, the <see cref="Total"/> stored, and the cursors of the pages around
/// it: <see cref="Before"/> for Previous (null on the first page), <see cref="After"/> for Next (null on the last).
/// </summary>
public sealed record TargetListPage(IReadOnlyList<TargetRecord> Targets, int Total, string? Before, string? After)
{
    public string? PreviousLink => Before is null ? null : $"targets?before={Uri.EscapeDataString(Before)}";

    public string? NextLink => After is null ? null : $"targets?after={Uri.EscapeDataString(After)}";
}
