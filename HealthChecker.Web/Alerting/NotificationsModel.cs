using HealthChecker.Core.Alerting.Delivery;

namespace HealthChecker.Web.Alerting;

/// <summary>
/// Alert delivery in <c>/api/status</c>: messages queued in all, whether the outbox can be stored, and per channel
/// the last success, the last failure with the receiver's answer (in detail only to the admin), and the queue.
/// </summary>
public sealed record NotificationsModel(int Queued, bool OutboxUnstored, IReadOnlyList<ChannelNotificationsModel> Channels)
{
    public static NotificationsModel From(AlertingService alerting, bool detailed)
    {
        var channels = alerting.Status();
        return new NotificationsModel(
            channels.Sum(c => c.Queued),
            alerting.DatabaseUnreachable,
            [.. channels.Select(c => ChannelNotificationsModel.From(c, detailed))]);
    }
}

/// <summary>One channel's deliveries since start.</summary>
public sealed record ChannelNotificationsModel(
    string Channel,
    long Delivered,
    long Failed,
    long Retried,
    int Queued,
    DateTimeOffset? OldestQueuedAt,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastFailureAt,
    string? LastFailure)
{
    public static ChannelNotificationsModel From(ChannelDeliveryStatus s, bool detailed) => new(
        s.Channel, s.Delivered, s.Failed, s.Retried, s.Queued, s.OldestQueuedAt, s.LastSuccessAt, s.LastFailureAt,
        s.LastFailure is null ? null : detailed ? s.LastFailure : "details for the admin");
}
