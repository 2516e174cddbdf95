namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>Where a message is: <c>queued</c> (to be tried, again), <c>delivered</c>, or <c>failed</c> for good.</summary>
public static class DeliveryState
{
    public const string Queued = "queued";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>A message of the outbox with its delivery so far, as stored in <c>hc_private.notification_outbox</c>.</summary>
public sealed record OutboxRow(
    AlertMessage Message,
    string Delivery,
    int Attempts,
    DateTimeOffset? NextTryAt,
    DateTimeOffset? LastAttemptAt,
    string? LastAnswer,
    DateTimeOffset? DeliveredAt);

/// <summary>A message in memory while it is delivered; changed by its channel's worker under its own lock.</summary>
internal sealed class OutboxEntry(OutboxRow row)
{
    private readonly Lock _lock = new();
    private OutboxRow _row = row;

    public AlertMessage Message { get; } = row.Message;

    /// <summary>Its row is in the table (written once, or read back at start): later writes update its delivery only.</summary>
    public bool Stored { get; set; }

    public OutboxRow Row
    {
        get
        {
            lock (_lock)
            {
                return _row;
            }
        }
    }

    public void Change(Func<OutboxRow, OutboxRow> change)
    {
        lock (_lock)
        {
            _row = change(_row);
        }
    }
}
