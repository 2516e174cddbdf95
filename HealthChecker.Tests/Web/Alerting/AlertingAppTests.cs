using System.Net.Http.Headers;
using System.Text;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using Npgsql;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Alerting;

/// <summary>Alerting in the real app: started after the engine, it resumes the outbox and shows delivery in /api/status and /metrics.</summary>
public sealed class AlertingAppTests
{
    [Fact(Timeout = 180_000)]
    public async Task A_message_left_queued_is_resumed_at_start_and_its_failure_shows_in_status_metrics_and_the_sql_view()
    {
        var connection = await TestDatabase.CreateEmptyAsync();
        await using var db = NpgsqlDataSource.Create(connection);
        await MigrationRunner.ApplyAsync(db, MigrationRunner.DefaultDirectory, TestLog.Silent);
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var message = new AlertMessage(Guid.CreateVersion7(), "shop-down", "ops", "{}:{alertname=\"shop-down\"}", at,
            [new AlertItem("shop/api", "shop", "api", null, true, at, null, "L4CON", "Connection refused", "Layer4 connection problem")]);
        await OutboxStore.WriteAsync(db, [new OutboxRow(message, DeliveryState.Queued, 3, at.AddMinutes(1), at, "HTTP 503", null)], []);

        await using var app = await WebAppProcess.StartAsync(new Dictionary<string, string>
        {
            ["HC_DATABASE"] = connection,
            ["HC_ADMIN_PASSWORD"] = ApiApp.Password,
        });
        using var admin = new HttpClient { BaseAddress = app.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{ApiApp.Password}")));

        // No alert settings are in force in this app: the channel is gone, so the message fails for good, once.
        // The channel shows as soon as the resumed message is queued on it; the failure follows when its worker takes it.
        await EventuallyAsync(async () => (await StatusAsync(admin)).GetProperty("notifications").GetProperty("channels") is { } channels
            && channels.GetArrayLength() == 1 && channels[0].GetProperty("failed").GetInt64() == 1, "the channel's failure in /api/status");
        var notifications = (await StatusAsync(admin)).GetProperty("notifications");
        var channel = notifications.GetProperty("channels")[0];
        Assert.Equal("ops", channel.GetProperty("channel").GetString());
        Assert.Equal((1L, 0L, 0), (channel.GetProperty("failed").GetInt64(), channel.GetProperty("delivered").GetInt64(), channel.GetProperty("queued").GetInt32()));
        Assert.Equal("no channel is named ops any more", channel.GetProperty("lastFailure").GetString());
        Assert.Equal(0, notifications.GetProperty("queued").GetInt32());

        var metrics = await admin.GetStringAsync("metrics");
        Assert.Contains("healthchecker_notifications_total{channel=\"ops\",outcome=\"failed\"} 1", metrics);
        Assert.Contains("healthchecker_notifications_queued{channel=\"ops\"} 0", metrics);
        Assert.Contains("healthchecker_notifications_oldest_age_seconds{channel=\"ops\"} 0", metrics);

        await EventuallyAsync(async () => await HistoryRows.ScalarAsync<string>(db, "SELECT delivery FROM notifications") == "failed", "the row failed");
        Assert.Equal(4, await HistoryRows.ScalarAsync<int>(db, "SELECT attempts FROM notifications"));

        // hc_reader reads the view, not the outbox under it.
        await using var login = await ReaderLogin.CreateAsync(connection);
        await using var reader = NpgsqlDataSource.Create(login.ConnectionString);
        Assert.Equal("no channel is named ops any more", await HistoryRows.ScalarAsync<string>(reader, "SELECT last_answer FROM notifications WHERE channel = 'ops'"));
        await Assert.ThrowsAsync<PostgresException>(() => HistoryRows.ScalarAsync<long>(reader, "SELECT count(*) FROM hc_private.notification_outbox"));
        await Assert.ThrowsAsync<PostgresException>(() => HistoryRows.ScalarAsync<long>(reader, "SELECT count(*) FROM hc_private.notified_states"));
    }
}
