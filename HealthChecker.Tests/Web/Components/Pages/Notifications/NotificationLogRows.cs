using HealthChecker.Core.Alerting.Delivery;
using Npgsql;

namespace HealthChecker.Tests.Web.Components.Pages.Notifications;

/// <summary>Messages written to the outbox as the app writes them, for the log page and API to read.</summary>
internal static class NotificationLogRows
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Message <paramref name="n"/> (a minute after <see cref="Start"/> per n) to <paramref name="channel"/> about <paramref name="targets"/>.</summary>
    public static OutboxRow Row(int n, string channel, string[] targets, string delivery = DeliveryState.Delivered, int attempts = 1, string? answer = "HTTP 200 OK: ok")
    {
        var at = Start.AddMinutes(n);
        var message = new AlertMessage(Guid.CreateVersion7(at), "shop-down", channel, "{}:{alertname=\"shop-down\"}", at,
            [.. targets.Select(t => new AlertItem(t, t.Split('/')[0], t.Split('/')[1], null, true, at, null, "L4CON", "Connection refused", "down"))]);
        return new OutboxRow(message, delivery, attempts, delivery == DeliveryState.Queued ? at.AddMinutes(1) : null, attempts > 0 ? at : null, answer,
            delivery == DeliveryState.Delivered ? at.AddSeconds(1) : null);
    }

    public static Task WriteAsync(NpgsqlDataSource db, params OutboxRow[] rows) => OutboxStore.WriteAsync(db, rows, []);
}
