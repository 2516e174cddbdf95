namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// One channel's deliveries since start: messages delivered, failed for good, and attempts that failed and were
/// retried; the last success, the last failure with the receiver's answer, and the messages still queued.
/// </summary>
public sealed record ChannelDeliveryStatus(
    string Channel,
    long Delivered,
    long Failed,
    long Retried,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastFailureAt,
    string? LastFailure,
    int Queued,
    DateTimeOffset? OldestQueuedAt);

/// <summary>The counters behind a <see cref="ChannelDeliveryStatus"/>, changed by the channel's worker.</summary>
internal sealed class ChannelStatistics(string channel)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, DateTimeOffset> _queued = [];
    private long _delivered;
    private long _failed;
    private long _retried;
    private DateTimeOffset? _lastSuccessAt;
    private DateTimeOffset? _lastFailureAt;
    private string? _lastFailure;

    public void Queued(AlertMessage message)
    {
        lock (_lock)
        {
            _queued[message.Id] = message.CreatedAt;
        }
    }

    public void Attempted(DeliveryAnswer answer, DateTimeOffset at)
    {
        lock (_lock)
        {
            if (answer.Outcome == DeliveryOutcome.Delivered)
            {
                _lastSuccessAt = at;
                return;
            }

            _lastFailureAt = at;
            _lastFailure = answer.Text;
            if (answer.Outcome == DeliveryOutcome.Retry)
            {
                _retried++;
            }
        }
    }

    public void Ended(AlertMessage message, bool delivered)
    {
        lock (_lock)
        {
            _queued.Remove(message.Id);
            if (delivered)
            {
                _delivered++;
            }
            else
            {
                _failed++;
            }
        }
    }

    public ChannelDeliveryStatus Status()
    {
        lock (_lock)
        {
            DateTimeOffset? oldest = _queued.Count > 0 ? _queued.Values.Min() : null;
            return new ChannelDeliveryStatus(channel, _delivered, _failed, _retried, _lastSuccessAt, _lastFailureAt, _lastFailure, _queued.Count, oldest);
        }
    }
}
