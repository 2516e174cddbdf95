using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HealthChecker.Testing;
using HealthChecker.Tests.Alerting;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Alerting;

/// <summary>
/// The issue's faults on the real app: the issue's file imported with a loopback receiver and a loopback target this test
/// opens and closes, retries made short by <c>HealthChecker:Alerts:*</c>. Each waits for what it asserts, never a fixed time.
/// </summary>
public sealed class AlertFaultAppTests
{
    private static readonly Dictionary<string, string> ShortRetries = new()
    {
        ["HC_ADMIN_PASSWORD"] = ApiApp.Password,
        ["HealthChecker__Alerts__FirstRetryDelay"] = "00:00:00.2",
        ["HealthChecker__Alerts__MaxRetryDelay"] = "00:00:01",
        // A restart after kill -9 is a new process: it takes the killed one's messages once their claim has run out.
        ["HealthChecker__Alerts__ClaimLease"] = "00:00:03",
    };

    [Fact(Timeout = 240_000)]
    public async Task A_receiver_down_for_a_while_gets_the_message_once_when_it_is_back()
    {
        using var receiver = new WebhookReceiver();
        using var target = OpenTarget();
        await using var app = await WebAppProcess.StartAsync(new Dictionary<string, string>(ShortRetries) { ["HC_DATABASE"] = await TestDatabase.CreateEmptyAsync() });
        using var admin = Admin(app);
        await ImportAsync(admin, receiver, target);
        await EventuallyAsync(async () => await StateAsync(admin, "shop/api") == "UP", "shop/api UP");

        receiver.Stop();
        target.Close();
        await EventuallyAsync(async () => Channel(await StatusAsync(admin))?.GetProperty("retried").GetInt64() >= 3, "three failed attempts while the receiver is down");
        Assert.Empty(receiver.Received);
        receiver.Start();

        await receiver.WaitForAsync(r => r.Count >= 1, "the message once the receiver is back");
        await EventuallyAsync(async () => Channel(await StatusAsync(admin))?.GetProperty("delivered").GetInt64() == 1, "the message counted delivered");
        var hook = Assert.Single(receiver.Received);
        Assert.Equal("firing", hook.PayloadStatus);
        Assert.Equal(["shop/api"], hook.Targets);
        Assert.Equal(0, Channel(await StatusAsync(admin))!.Value.GetProperty("queued").GetInt32());
        var row = (await Json(await admin.GetAsync("api/notifications?target=shop/api"))).GetProperty("items").EnumerateArray().Single();
        Assert.Equal((hook.MessageId, "delivered"), (row.GetProperty("id").GetString(), row.GetProperty("delivery").GetString()));
        Assert.True(row.GetProperty("attempts").GetInt32() >= 4);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_message_waiting_when_the_app_is_killed_is_delivered_after_the_restart_and_none_twice()
    {
        using var receiver = new WebhookReceiver();
        using var target = OpenTarget();
        var database = await TestDatabase.CreateEmptyAsync();
        var environment = new Dictionary<string, string>(ShortRetries) { ["HC_DATABASE"] = database };
        var first = await WebAppProcess.StartAsync(environment);
        await using (first)
        {
            using var admin = Admin(first);
            await ImportAsync(admin, receiver, target);
            await EventuallyAsync(async () => await StateAsync(admin, "shop/api") == "UP", "shop/api UP");

            receiver.Stop();
            target.Close();
            // Stored with its attempts so far: what kill -9 leaves behind.
            await EventuallyAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM notifications WHERE delivery = 'queued' AND attempts >= 2") == 1,
                "the message queued in the outbox");
            await first.KillAsync();
        }

        receiver.Start();
        await using var second = await WebAppProcess.StartAsync(environment);
        using var again = Admin(second);
        await receiver.WaitForAsync(r => r.Count >= 1, "the message after the restart");
        await EventuallyAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM notifications WHERE delivery = 'delivered'") == 1, "the message delivered in the outbox");
        await EventuallyAsync(async () => await StateAsync(again, "shop/api") == "DOWN", "shop/api DOWN after the restart");

        // The restart found shop/api DOWN and already told: no second alert, and no message twice.
        Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM notifications"));
        var hook = Assert.Single(receiver.Received);
        Assert.Equal("firing", hook.PayloadStatus);
        Assert.Equal(["shop/api"], hook.Targets);
        Assert.Equal(receiver.Received.Count, receiver.Received.Select(r => r.MessageId).Distinct().Count());
        Assert.Equal(1L, await ScalarAsync(database, $"SELECT count(*) FROM notifications WHERE id = '{hook.MessageId}' AND delivery = 'delivered'"));
    }

    [Fact(Timeout = 300_000)]
    public async Task An_alert_held_for_group_wait_when_the_app_is_killed_is_sent_once_after_the_restart_as_of_when_it_went_down()
    {
        using var receiver = new WebhookReceiver();
        using var target = OpenTarget();
        var database = await TestDatabase.CreateEmptyAsync();
        var environment = new Dictionary<string, string>(ShortRetries) { ["HC_DATABASE"] = database };
        DateTimeOffset killedAt;
        var first = await WebAppProcess.StartAsync(environment);
        await using (first)
        {
            using var admin = Admin(first);
            // A group-wait long enough to kill the app inside it.
            await ImportAsync(admin, receiver, target, groupWait: "20s");
            await EventuallyAsync(async () => await StateAsync(admin, "shop/api") == "UP", "shop/api UP");

            target.Close();
            await EventuallyAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM hc_private.notified_states WHERE state = 'PENDING'") == 1,
                "the alert held for group-wait stored");
            killedAt = DateTimeOffset.UtcNow;
            await first.KillAsync();
        }

        Assert.Empty(receiver.Received);
        await using var second = await WebAppProcess.StartAsync(environment);
        using var again = Admin(second);
        await receiver.WaitForAsync(r => r.Count >= 1, "the held alert after the restart");
        await EventuallyAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM notifications WHERE delivery = 'delivered'") == 1, "the message delivered in the outbox");
        await EventuallyAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM hc_private.notified_states WHERE state = 'DOWN'") == 1, "the alert stored as told");

        // Once, as decided before the kill: it went DOWN before the kill, not at the restart's first check.
        Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM notifications"));
        var hook = Assert.Single(receiver.Received);
        Assert.Equal(["shop/api"], hook.Targets);
        Assert.True(hook.Alerts[0].GetProperty("startsAt").GetDateTimeOffset() < killedAt, "startsAt is when shop/api went DOWN before the kill");
        Assert.Equal(0L, await ScalarAsync(database, "SELECT count(*) FROM hc_private.notified_states WHERE state = 'PENDING'"));
    }

    [Fact(Timeout = 300_000)]
    public async Task With_postgresql_stopped_a_storm_still_goes_out_as_one_message()
    {
        using var receiver = new WebhookReceiver();
        using var target = OpenTarget();
        // The app's own embedded cluster, so that stopping it harms no other test.
        await using var app = await WebAppProcess.StartAsync(ShortRetries);
        using var admin = Admin(app);
        var storm = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"  - name: shop/s{i}\n    check: tcp://127.0.0.1:{target.EndPoint.Port}\n    inter: 1s"));
        await ImportAsync(admin, receiver, target, storm);
        // The app's own cluster also adds its example targets (healthchecker/*): only the shop's count.
        await EventuallyAsync(async () => (await TargetStatesAsync(admin)).Count(t => t.GetProperty("name").GetString()!.StartsWith("shop/", StringComparison.Ordinal)
            && t.GetProperty("state").GetString() == "UP") == 21, "21 shop targets UP", seconds: 90);

        Signals.Send(app.PostgresProcesses().Min(), Signals.SigInt); // fast shutdown, as pg_ctl stop -m fast
        await EventuallyAsync(async () => !(await StatusAsync(admin)).GetProperty("databaseReachable").GetBoolean(), "the database unreachable");
        target.Close();

        await receiver.WaitForAsync(r => r.Count >= 1, "the storm's message");
        var hook = Assert.Single(receiver.Received);
        Assert.Equal(21, hook.Targets.Count);
        Assert.Equal("firing", hook.PayloadStatus);
        // The receiver may see the message before the app has counted its answer.
        await EventuallyAsync(async () => Channel(await StatusAsync(admin))?.GetProperty("delivered").GetInt64() == 1, "the message counted delivered");
        var status = await StatusAsync(admin);
        Assert.False(status.GetProperty("databaseReachable").GetBoolean());
        Assert.Equal(1L, Channel(status)!.Value.GetProperty("delivered").GetInt64());
    }

    // Connections are never accepted: room in the backlog for every check of a test's length.
    internal static SwitchablePeer OpenTarget()
    {
        var peer = new SwitchablePeer(backlog: 4096);
        peer.Open();
        return peer;
    }

    internal static HttpClient Admin(WebAppProcess app)
    {
        var client = new HttpClient { BaseAddress = app.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{ApiApp.Password}")));
        return client;
    }

    /// <summary>The issue's file as it stands, with this test's receiver and target, and <paramref name="moreTargets"/> after its own.</summary>
    internal static async Task ImportAsync(HttpClient admin, WebhookReceiver receiver, SwitchablePeer target, string moreTargets = "", string groupWait = "5s")
    {
        var file = AlertsFileTests.IssueFile
            .Replace("http://127.0.0.1:9000/hook", receiver.Url.ToString(), StringComparison.Ordinal)
            .Replace("group-wait: 5s", $"group-wait: {groupWait}", StringComparison.Ordinal)
            .Replace("tcp://127.0.0.1:9001", $"tcp://127.0.0.1:{target.EndPoint.Port}", StringComparison.Ordinal)
            + (moreTargets.Length > 0 ? "\n" + moreTargets : "");
        var answer = await admin.PostAsync("api/targets/import", new StringContent(file, Encoding.UTF8, "application/yaml"));
        Assert.True(answer.StatusCode == HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
    }

    internal static System.Text.Json.JsonElement? Channel(System.Text.Json.JsonElement status) =>
        status.GetProperty("notifications").GetProperty("channels").EnumerateArray().Where(c => c.GetProperty("channel").GetString() == "ops")
            .Select(c => (System.Text.Json.JsonElement?)c).FirstOrDefault();

    private static async Task<System.Text.Json.JsonElement> Json(HttpResponseMessage response) =>
        System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
