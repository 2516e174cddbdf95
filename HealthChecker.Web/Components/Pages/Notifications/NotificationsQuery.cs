using HealthChecker.Core.Store;
using HealthChecker.Web.Components.Shared;

namespace HealthChecker.Web.Components.Pages.Notifications;

/// <summary>
/// What the notifications page asks for: its target filter, and where each page seen so far starts (the id of the
/// message before it, newest first), so that "Newer" goes back without counting rows.
/// </summary>
public sealed class NotificationsQuery : PageTrail<Guid>
{
    /// <summary>A target's full name (<c>group/name</c>): only the messages that list it.</summary>
    public string Target { get; set; } = "";

    public bool Filtered => Target.Trim().Length > 0;

    /// <summary>A blank target is no filter; the name is trimmed.</summary>
    public NotificationFilter Filter() => new(Target: Target.Trim() is { Length: > 0 } t ? t : null);
}
