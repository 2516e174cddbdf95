using HealthChecker.Core.Store;
using HealthChecker.Web.Components.Shared;

namespace HealthChecker.Web.Components.Pages.Events;

/// <summary>
/// What the events page asks for: its filters as a <see cref="StateChangeFilter"/>, and where each page seen so far
/// starts (keyset cursors, the newest first), so that "Newer" goes back without counting rows.
/// </summary>
public sealed class EventsQuery : PageTrail<StateChangeCursor>
{
    public string Search { get; set; } = "";

    public string Group { get; set; } = "";

    public string State { get; set; } = "";

    public bool Filtered => Search.Length > 0 || Group.Length > 0 || State.Length > 0;

    /// <summary>Blank filters are left out; the search is trimmed.</summary>
    public StateChangeFilter Filter() => new(
        Search: Search.Trim() is { Length: > 0 } s ? s : null,
        Group: Group.Length > 0 ? Group : null,
        State: State.Length > 0 ? State : null);
}
