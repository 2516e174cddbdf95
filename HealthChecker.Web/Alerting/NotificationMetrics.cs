using HealthChecker.Web.Api;
using Prometheus;

namespace HealthChecker.Web.Alerting;

/// <summary>
/// Alert delivery in <c>/metrics</c>, beside the engine's series (the same registry): per channel,
/// <c>healthchecker_notifications_total{channel,outcome}</c> (outcome <c>delivered</c>, <c>failed</c>: for good, <c>retried</c>:
/// an attempt that failed and is tried again), <c>healthchecker_notifications_queued</c> and
/// <c>healthchecker_notifications_oldest_age_seconds</c> (0 when nothing waits). Read from the outbox when scraped.
/// </summary>
public sealed class NotificationMetrics
{
    private readonly AlertingService _alerting;
    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private readonly Counter _total;
    private readonly Gauge _queued;
    private readonly Gauge _oldest;

    public NotificationMetrics(MonitorMetrics metrics, AlertingService alerting, TimeProvider? clock = null)
    {
        _alerting = alerting;
        _clock = clock ?? TimeProvider.System;
        var factory = Metrics.WithCustomRegistry(metrics.Registry);
        _total = factory.CreateCounter("healthchecker_notifications_total", "Alert messages by channel and outcome since start: delivered, failed (for good), retried (attempts tried again).", "channel", "outcome");
        _queued = factory.CreateGauge("healthchecker_notifications_queued", "Alert messages waiting to be delivered, by channel.", "channel");
        _oldest = factory.CreateGauge("healthchecker_notifications_oldest_age_seconds", "Age of the oldest alert message not delivered yet, by channel (0 when none waits).", "channel");
        metrics.Registry.AddBeforeCollectCallback(Collect);
    }

    private void Collect()
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            foreach (var channel in _alerting.Status())
            {
                _total.WithLabels(channel.Channel, "delivered").IncTo(channel.Delivered);
                _total.WithLabels(channel.Channel, "failed").IncTo(channel.Failed);
                _total.WithLabels(channel.Channel, "retried").IncTo(channel.Retried);
                _queued.WithLabels(channel.Channel).Set(channel.Queued);
                _oldest.WithLabels(channel.Channel).Set(channel.OldestQueuedAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0);
            }
        }
    }
}
