namespace HealthChecker.Web.Components.Shared;

/// <summary>
/// Where each page of a newest-first list seen so far starts (keyset cursors; null: the newest), the last being the
/// current page, so that "Newer" goes back without counting rows.
/// </summary>
public abstract class PageTrail<TCursor>
    where TCursor : struct
{
    private readonly List<TCursor?> _starts = [null];

    /// <summary>The current page's number, from 1 (the newest).</summary>
    public int PageNumber => _starts.Count;

    public bool AtNewest => _starts.Count == 1;

    /// <summary>Where the page before the current one starts; the newest page's is null.</summary>
    public TCursor? Newer => _starts.Count > 1 ? _starts[^2] : null;

    /// <summary>Back to the newest page (the filters changed).</summary>
    public void ShowNewest()
    {
        _starts.Clear();
        _starts.Add(null);
    }

    /// <summary>The page that started at <see cref="Newer"/> is now shown.</summary>
    public void ShowNewer()
    {
        if (_starts.Count > 1)
        {
            _starts.RemoveAt(_starts.Count - 1);
        }
    }

    /// <summary>The page that starts after <paramref name="next"/> (the current page's end) is now shown.</summary>
    public void ShowOlder(TCursor next) => _starts.Add(next);
}
