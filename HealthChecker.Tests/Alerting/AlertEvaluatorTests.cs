using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;
using Npgsql;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Alerting;

/// <summary>
/// The evaluator on the real scheduler (a fake clock, real checks against loopback ports the test opens and closes),
/// delivering through the outbox to real receivers, the outbox in a real PostgreSQL.
/// </summary>
public sealed class AlertEvaluatorTests
{
    private static readonly TimeSpan Inter = TimeSpan.FromSeconds(2);

    private static readonly DeliveryOptions Quick = new()
    {
        FirstRetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    private static AlertSettings Settings(AlertRule rule, params (string Name, Uri Url)[] channels) => new(
        [.. channels.Select(c => new ChannelDefinition(c.Name, ChannelKind.Webhook, c.Url, [], null))], [rule]);

    private static AlertRule Rule(TimeSpan wait, params string[] channels) =>
        new("shop-down", "shop/*", channels, TimeSpan.Zero, null, true, wait, TimeSpan.FromMinutes(1));

    private static TargetDefinition Target(string name, SwitchablePeer peer) =>
        SchedulerHarness.Target(name, peer.EndPoint, Inter, rise: 1, fall: 1);

    /// <summary>A start of the app's alerting: the outbox and the evaluator over the database, following this scheduler.</summary>
    private static async Task<(NotificationOutbox Outbox, AlertEvaluator Evaluator)> StartAsync(
        SchedulerHarness run, IAlertSettingsSource settings, NpgsqlDataSource db)
    {
        var (told, queued) = await OutboxStore.LoadAsync(db);
        var outbox = new NotificationOutbox(settings, [new WebhookSender()], db, Quick with { Clock = run.Clock });
        outbox.Resume(queued);
        var evaluator = new AlertEvaluator(settings, outbox, run.Clock);
        evaluator.Attach(run.Scheduler);
        evaluator.Start(told);
        return (outbox, evaluator);
    }

    private static async Task StopAsync(NotificationOutbox outbox, AlertEvaluator evaluator)
    {
        await evaluator.DisposeAsync();
        await outbox.DisposeAsync();
    }

    [Fact]
    public async Task A_thousand_targets_failing_in_the_same_second_are_one_message_per_channel()
    {
        using var ops = new WebhookReceiver();
        using var mail = new WebhookReceiver();
        // Never accepted: every one of the thousand first checks must find room in the backlog.
        using var peer = new SwitchablePeer(backlog: 2048);
        peer.Open();
        await using var db = await TestDatabase.CreateMigratedAsync();
        using var run = new SchedulerHarness(maxInFlight: 1000, maxStartsPerRound: 1000, record: false);
        var settings = new InMemoryAlertSettings(Settings(Rule(TimeSpan.FromSeconds(10), "ops", "mail"), ("ops", ops.Url), ("mail", mail.Url)));
        var (outbox, evaluator) = await StartAsync(run, settings, db);
        try
        {
            await run.Scheduler.AddRangeAsync([.. Enumerable.Range(0, 1000).Select(i => (Target($"shop/t{i:D4}", peer), (long?)null))]);
            await run.AdvanceAsync(Inter);
            await EventuallyAsync(() => evaluator.Observed == 1000, "every target seen UP");

            peer.Close();
            await run.AdvanceAsync(Inter);
            await EventuallyAsync(() => evaluator.Observed == 2000, "every target seen DOWN");
            await run.AdvanceAsync(TimeSpan.FromSeconds(10));

            await ops.WaitForAsync(r => r.Count == 1, "the storm's message");
            await mail.WaitForAsync(r => r.Count == 1, "the storm's message");
            var message = ops.Received[0].Json;
            Assert.Equal("firing", message.GetProperty("status").GetString());
            Assert.Equal(WebhookPayload.MaxAlerts, message.GetProperty("alerts").GetArrayLength());
            Assert.Equal(1000 - WebhookPayload.MaxAlerts, message.GetProperty("truncatedAlerts").GetInt32());

            // Quiet minutes later, one target comes back: the next message of the group is its resolution, nothing between.
            await run.AdvanceAsync(TimeSpan.FromMinutes(5));
            using var back = new SwitchablePeer();
            back.Open();
            await run.Scheduler.UpdateAsync(Target("shop/t0000", back));
            await run.AdvanceAsync(Inter);
            await EventuallyAsync(() => evaluator.Observed == 2001, "the target seen UP again");
            await run.AdvanceAsync(TimeSpan.FromMinutes(1));

            await ops.WaitForAsync(r => r.Count == 2, "the resolution");
            await mail.WaitForAsync(r => r.Count == 2, "the resolution");
            var resolution = ops.Received[1];
            Assert.Contains(resolution.Alerts, a => a.GetProperty("status").GetString() == "resolved" && a.GetProperty("labels").GetProperty("target").GetString() == "shop/t0000");
            Assert.Equal(2, ops.Received.Count);
        }
        finally
        {
            await StopAsync(outbox, evaluator);
        }
    }

    [Fact]
    public async Task A_restart_sends_nothing_twice_forgets_no_resolution_and_does_not_repeat_an_alert_still_down()
    {
        using var ops = new WebhookReceiver();
        using var a = new SwitchablePeer();
        using var b = new SwitchablePeer();
        using var c = new SwitchablePeer();
        a.Open();
        b.Open();
        c.Open();
        await using var db = await TestDatabase.CreateMigratedAsync();
        var settings = new InMemoryAlertSettings(Settings(Rule(TimeSpan.FromSeconds(10), "ops"), ("ops", ops.Url)));
        TargetDefinition[] targets = [Target("shop/a", a), Target("shop/b", b), Target("shop/c", c)];

        using (var first = new SchedulerHarness(record: false))
        {
            var (outbox, evaluator) = await StartAsync(first, settings, db);
            await first.Scheduler.AddRangeAsync([.. targets.Select(t => (t, (long?)null))]);
            await first.AdvanceAsync(Inter);
            // The first checks must have ended before a listener closes, or a check still connecting sees it closed.
            await EventuallyAsync(() => evaluator.Observed == 3, "a, b and c seen UP");
            a.Close();
            b.Close();
            await first.AdvanceAsync(Inter);
            await EventuallyAsync(() => evaluator.Observed == 5, "a, b and c seen UP, then a and b DOWN");
            await first.AdvanceAsync(TimeSpan.FromSeconds(10));
            await ops.WaitForAsync(r => r.Count == 1 && r[0].Targets.Count == 2, "a and b DOWN in one message");
            await EventuallyAsync(() => outbox.PendingWrites == 0 && ScalarAsync<long>(db,
                "SELECT count(*) FROM hc_private.notified_states WHERE state = 'DOWN'").Result == 2, "a and b stored as told DOWN");
            await StopAsync(outbox, evaluator);
        }

        // While the app is away, b comes back; a stays DOWN.
        b.Open();
        using (var second = new SchedulerHarness(record: false))
        {
            // The app comes back ten minutes later.
            second.Clock.Advance(TimeSpan.FromMinutes(10));
            var (outbox, evaluator) = await StartAsync(second, settings, db);
            await second.Scheduler.AddRangeAsync([.. targets.Select(t => (t, (long?)null))]);
            await second.AdvanceAsync(Inter);

            await ops.WaitForAsync(r => r.Count == 2, "the resolution of b");
            var resolution = ops.Received[1];
            Assert.Equal("firing", resolution.PayloadStatus);
            Assert.Equal(
                [("shop/b", "resolved"), ("shop/a", "firing")],
                resolution.Alerts.Select(x => (x.GetProperty("labels").GetProperty("target").GetString(), x.GetProperty("status").GetString())));

            // A later change of c is the next message: nothing was sent twice in between. Its first check ended before.
            await EventuallyAsync(() => evaluator.Observed == 4, "a seen DOWN (its first check and its change), b and c seen UP");
            c.Close();
            await second.AdvanceAsync(Inter);
            await EventuallyAsync(() => evaluator.Observed == 5, "c seen DOWN (a is seen twice: its first check and its change)");
            await second.AdvanceAsync(TimeSpan.FromMinutes(1));
            await ops.WaitForAsync(r => r.Count == 3, "c DOWN");
            Assert.Equal(["shop/c", "shop/a"], ops.Received[2].Targets);
            Assert.Equal(3, ops.Received.Select(r => r.MessageId).Distinct().Count());
            await StopAsync(outbox, evaluator);
        }
    }

    [Fact]
    public async Task A_dependant_down_with_its_parent_is_held_back_and_alerted_once_the_parent_is_up_while_it_is_still_down()
    {
        using var ops = new WebhookReceiver();
        using var db = new SwitchablePeer();
        using var api = new SwitchablePeer();
        db.Open();
        api.Open();
        await using var store = await TestDatabase.CreateMigratedAsync();
        using var run = new SchedulerHarness(record: false);
        var settings = new InMemoryAlertSettings(Settings(Rule(TimeSpan.FromSeconds(10), "ops"), ("ops", ops.Url)));
        var (outbox, evaluator) = await StartAsync(run, settings, store);
        try
        {
            await run.Scheduler.AddRangeAsync([(Target("shop/db", db), null), (Target("shop/api", api) with { DependsOn = "shop/db" }, null)]);
            await run.AdvanceAsync(Inter);
            await EventuallyAsync(() => evaluator.Observed == 2, "both seen UP");

            db.Close();
            api.Close();
            await run.AdvanceAsync(Inter);
            await EventuallyAsync(() => evaluator.Observed == 4, "both seen DOWN");
            await run.AdvanceAsync(TimeSpan.FromSeconds(10));

            await ops.WaitForAsync(r => r.Count == 1, "the parent's alert");
            Assert.Equal(["shop/db"], ops.Received[0].Targets);
            await EventuallyAsync(() => evaluator.Held.ContainsKey("shop/api"), "the dependant's alert held back");
            Assert.Equal("alert suppressed: depends on shop/db, which is DOWN", evaluator.Held["shop/api"].Reason);

            // Minutes later the database is back; the API is still DOWN: it alerts now.
            await run.AdvanceAsync(TimeSpan.FromMinutes(3));
            db.Open();
            // The check the clock's jump started may still be finishing (its end sets the next one): step from due check to
            // due check of the database until it is seen UP, rather than one interval that may fall short of the next.
            for (var tries = 0; evaluator.Observed < 5 && tries < 600; tries++)
            {
                if (run.Scheduler.Find("shop/db")?.NextCheckAt is { } next && next > run.Clock.GetUtcNow())
                {
                    await run.AdvanceToNextCheckAsync("shop/db");
                }

                await Task.Delay(50);
            }

            await EventuallyAsync(() => evaluator.Observed == 5, "the parent seen UP again");
            await run.AdvanceAsync(TimeSpan.FromMinutes(1));

            await ops.WaitForAsync(r => r.Count == 2, "the dependant's alert with the parent's resolution");
            var second = ops.Received[1];
            Assert.Equal(
                [("shop/db", "resolved"), ("shop/api", "firing")],
                second.Alerts.Select(x => (x.GetProperty("labels").GetProperty("target").GetString(), x.GetProperty("status").GetString())));
            Assert.Empty(evaluator.Held);
        }
        finally
        {
            await StopAsync(outbox, evaluator);
        }
    }

    [Fact]
    public async Task A_target_deleted_while_its_alert_fires_is_resolved_as_deleted_and_forgotten()
    {
        using var ops = new WebhookReceiver();
        using var a = new SwitchablePeer();
        using var b = new SwitchablePeer();
        a.Open();
        b.Open();
        await using var db = await TestDatabase.CreateMigratedAsync();
        using var run = new SchedulerHarness(record: false);
        var settings = new InMemoryAlertSettings(Settings(Rule(TimeSpan.FromSeconds(10), "ops"), ("ops", ops.Url)));
        var (outbox, evaluator) = await StartAsync(run, settings, db);
        try
        {
            await run.Scheduler.AddRangeAsync([(Target("shop/a", a), null), (Target("shop/b", b), null)]);
            await run.AdvanceAsync(Inter);
            await EventuallyAsync(() => evaluator.Observed == 2, "a and b seen UP");
            a.Close();
            b.Close();
            await run.AdvanceAsync(Inter);
            await EventuallyAsync(() => evaluator.Observed == 4, "a and b seen DOWN");
            await run.AdvanceAsync(TimeSpan.FromSeconds(10));
            await ops.WaitForAsync(r => r.Count == 1 && r[0].Targets.Count == 2, "a and b DOWN in one message");

            // a is deleted while DOWN: the group's next message resolves it, saying why; b fires on.
            Assert.True(await run.Scheduler.RemoveAsync("shop/a"));
            await run.AdvanceAsync(TimeSpan.FromMinutes(1));
            await ops.WaitForAsync(r => r.Count == 2, "a resolved as deleted");
            var resolution = ops.Received[1];
            Assert.Equal(
                [("shop/a", "resolved", "shop/a was deleted"), ("shop/b", "firing", "shop/b is DOWN")],
                resolution.Alerts.Select(x => (x.GetProperty("labels").GetProperty("target").GetString(), x.GetProperty("status").GetString(),
                    x.GetProperty("annotations").GetProperty("summary").GetString())));
            await EventuallyAsync(() => outbox.PendingWrites == 0 && ScalarAsync<long>(db,
                "SELECT count(*) FROM hc_private.notified_states WHERE target = 'shop/a' AND state = 'UP'").Result == 1, "a stored as told resolved");

            // b comes back: its resolution lists b alone, nothing more of a.
            b.Open();
            await run.AdvanceAsync(Inter);
            await EventuallyAsync(() => evaluator.Observed == 5, "b seen UP again");
            await run.AdvanceAsync(TimeSpan.FromMinutes(1));
            await ops.WaitForAsync(r => r.Count == 3, "b resolved");
            Assert.Equal(["shop/b"], ops.Received[2].Targets);
        }
        finally
        {
            await StopAsync(outbox, evaluator);
        }
    }
}
