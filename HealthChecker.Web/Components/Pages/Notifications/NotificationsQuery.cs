using HealthChecker.Core.Store;

namespace HealthChecker.Web.Components.Pages.Notifications;

/// <summary>
/// What the notifications page asks for: its target filter, and where each page seen so far starts (the id of the
/// message before it, newest first), so that "Newer" goes back without counting rows.
/// </summary>
public sealed class NotificationsQuery
{
    // Where each page seen so far starts (null: the newest); the last is the current page.
    private readonly List<Guid?> _starts = [null];

    /// <summary>A target's full name (<c>group/name</c>): only the messages that list it.</summary>
    public string Target { get; set; } = "";

    public bool Filtered => Target.Trim().Length > 0;

    /// <summary>The current page's number, from 1 (the newest).</summary>
    public int PageNumber => _starts.Count;

    public bool AtNewest => _starts.Count == 1;

    /// <summary>Where the page before the current one starts; the newest page's is null.</summary>
    public Guid? Newer => _starts.Count > 1 ? _starts[^2] : null;

    /// <summary>A blank target is no filter; the name is trimmed.</summary>
    public NotificationFilter Filter() => new(Target: Target.Trim() is { Length: > 0 } t ? t : null);

    /// <summary>Back to the newest page (the filter changed).</summary>
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

    /// <summary>The page after the message <paramref name="next"/> (the current page's last) is now shown.</summary>
    public void ShowOlder(Guid next) => _starts.Add(next);
}
