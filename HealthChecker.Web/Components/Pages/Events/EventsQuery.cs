using HealthChecker.Core.Store;

namespace HealthChecker.Web.Components.Pages.Events;

/// <summary>
/// What the events page asks for: its filters as a <see cref="StateChangeFilter"/>, and where each page seen so far
/// starts (keyset cursors, the newest first), so that "Newer" goes back without counting rows.
/// </summary>
public sealed class EventsQuery
{
    // Where each page seen so far starts (null: the newest); the last is the current page.
    private readonly List<StateChangeCursor?> _starts = [null];

    public string Search { get; set; } = "";

    public string Group { get; set; } = "";

    public string State { get; set; } = "";

    public bool Filtered => Search.Length > 0 || Group.Length > 0 || State.Length > 0;

    /// <summary>The current page's number, from 1 (the newest).</summary>
    public int PageNumber => _starts.Count;

    public bool AtNewest => _starts.Count == 1;

    /// <summary>Where the page before the current one starts; the newest page's is null.</summary>
    public StateChangeCursor? Newer => _starts.Count > 1 ? _starts[^2] : null;

    /// <summary>Blank filters are left out; the search is trimmed.</summary>
    public StateChangeFilter Filter() => new(
        Search: Search.Trim() is { Length: > 0 } s ? s : null,
        Group: Group.Length > 0 ? Group : null,
        State: State.Length > 0 ? State : null);

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

    /// <summary>The page that starts at <paramref name="next"/> (the current page's end) is now shown.</summary>
    public void ShowOlder(StateChangeCursor next) => _starts.Add(next);
}
