using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using static HealthChecker.Tests.Web.Alerting.AlertFaultAppTests;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Alerting;

/// <summary>
/// The fault "the receiver down for a minute then back (delivered once, late)" on the real app with the real retry
/// schedule (backoff capped at 10 s). A class of its own: xunit runs it beside the other classes while its minute passes.
/// </summary>
public sealed class AlertReceiverDownAMinuteTests
{
    [Fact(Timeout = 300_000)]
    public async Task A_receiver_down_for_a_full_minute_gets_the_message_once_late_after_retries_over_that_minute()
    {
        using var receiver = new WebhookReceiver();
        using var target = OpenTarget();
        var database = await TestDatabase.CreateEmptyAsync();
        await using var app = await WebAppProcess.StartAsync(new Dictionary<string, string>
        {
            ["HC_ADMIN_PASSWORD"] = ApiApp.Password,
            ["HC_DATABASE"] = database,
            ["HealthChecker__Alerts__MaxRetryDelay"] = "00:00:10",
        });
        using var admin = Admin(app);
        await ImportAsync(admin, receiver, target);
        await EventuallyAsync(async () => await StateAsync(admin, "shop/api") == "UP", "shop/api UP");

        receiver.Stop();
        target.Close();
        // Down until the app has retried the message for a full minute by the database's clock (its last attempt 60 s after the message).
        await EventuallyAsync(async () => await ScalarAsync(database,
            "SELECT count(*) FROM notifications WHERE delivery = 'queued' AND last_attempt_at >= created_at + interval '60 seconds'") == 1,
            "the message retried over a full minute", seconds: 180);
        var retried = await ScalarAsync(database, "SELECT attempts FROM notifications");
        Assert.Empty(receiver.Received);
        receiver.Start();

        await receiver.WaitForAsync(r => r.Count >= 1, "the message once the receiver is back");
        await EventuallyAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM notifications WHERE delivery = 'delivered'") == 1, "the message stored delivered");
        await EventuallyAsync(async () => Channel(await StatusAsync(admin))?.GetProperty("delivered").GetInt64() == 1, "the message counted delivered");
        var hook = Assert.Single(receiver.Received);
        Assert.Equal("firing", hook.PayloadStatus);
        Assert.Equal(["shop/api"], hook.Targets);
        Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM notifications"));
        Assert.Equal(1L, await ScalarAsync(database, $"SELECT count(*) FROM notifications WHERE id = '{hook.MessageId}' AND delivered_at >= created_at + interval '60 seconds'"));
        // Retried over the minute (backoff 1 s doubling to 10 s: about ten attempts), then the one the receiver took.
        Assert.True(retried >= 6, $"{retried} attempts over the minute");
        Assert.True(await ScalarAsync(database, "SELECT attempts FROM notifications") > retried);
    }
}
