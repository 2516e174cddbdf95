namespace HealthChecker.Core.Store;

/// <summary>What the notifications page and <c>GET /api/notifications</c> read: the messages sent, newest first.</summary>
public interface INotificationLog
{
    /// <summary>
    /// Messages newest first (by creation, then id), restricted by <paramref name="filter"/>, starting after the message
    /// <paramref name="after"/> (keyset paging: a page does not shift when new messages arrive; an unknown id gives an empty page).
    /// </summary>
    Task<NotificationPage> NotificationsAsync(NotificationFilter filter, int pageSize, Guid? after = null, CancellationToken ct = default);

    /// <summary>How many messages <paramref name="filter"/> lets through in all.</summary>
    Task<int> CountAsync(NotificationFilter filter, CancellationToken ct = default);
}

/// <summary>Which messages: those that list the target <see cref="Target"/> (<c>group/name</c>, exactly), those to the channel <see cref="Channel"/>.</summary>
public sealed record NotificationFilter(string? Target = null, string? Channel = null);

/// <summary>One message of the outbox as the <c>notifications</c> view shows it: what, to whom, for which targets, and its delivery.</summary>
public sealed record NotificationRecord(
    Guid Id,
    DateTime CreatedAt,
    string Rule,
    string Channel,
    string Status,
    IReadOnlyList<string> Targets,
    int Firing,
    int Resolved,
    string Delivery,
    int Attempts,
    DateTime? LastAttemptAt,
    DateTime? NextTryAt,
    string? LastAnswer,
    DateTime? DeliveredAt);

/// <summary>A page of messages, newest first; <see cref="Next"/> is the last one's id when another page follows.</summary>
public sealed record NotificationPage(IReadOnlyList<NotificationRecord> Items, Guid? Next);
