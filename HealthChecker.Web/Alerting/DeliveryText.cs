using System.Globalization;
using HealthChecker.Core.Alerting.Delivery;

namespace HealthChecker.Web.Alerting;

/// <summary>A channel's deliveries in words, for its row on the alerting page: the queue, the last success, the last failure and why.</summary>
public static class DeliveryText
{
    public static string Of(ChannelDeliveryStatus? status)
    {
        if (status is null || (status.Delivered == 0 && status.Failed == 0 && status.Retried == 0 && status.Queued == 0))
        {
            return "nothing sent since start";
        }

        var parts = new List<string>
        {
            status.Queued == 0 ? "none queued" : $"{status.Queued} queued (oldest {Time(status.OldestQueuedAt)})",
            status.LastSuccessAt is { } success ? $"last delivered {Time(success)}" : "none delivered yet",
        };
        if (status.LastFailureAt is { } failure)
        {
            parts.Add($"last failure {Time(failure)}: {status.LastFailure}");
        }

        return string.Join("; ", parts);
    }

    private static string Time(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "?";
}
