using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Store;
using HealthChecker.Testing;
using HealthChecker.Tests.Support;
using Npgsql;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Alerting;

/// <summary>Delivery to a real receiver on loopback, with the outbox in a real PostgreSQL: retries, refusals, a receiver away, an outage.</summary>
public sealed class NotificationOutboxTests
{
    private static readonly DeliveryOptions Quick = new()
    {
        FirstRetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        StoreRetryMinDelay = TimeSpan.FromMilliseconds(50),
        StoreRetryMaxDelay = TimeSpan.FromMilliseconds(500),
    };

    internal static InMemoryAlertSettings Settings(params (string Name, Uri Url)[] channels) => new(new AlertSettings(
        [.. channels.Select(c => new ChannelDefinition(c.Name, ChannelKind.Webhook, c.Url, [], null))], []));

    private static AlertDecision Decision(string channel = "ops", params string[] targets)
    {
        var now = DateTimeOffset.UtcNow;
        var id = Guid.CreateVersion7();
        targets = targets.Length > 0 ? targets : ["shop/api"];
        var items = targets.Select(t => new AlertItem(t, "shop", t.Split('/')[1], 1, true, now, null, "L4CON", "Connection refused", "Layer4 connection problem")).ToList();
        return new AlertDecision(
            new AlertMessage(id, "r", channel, "{}:{alertname=\"r\"}", now, items),
            [.. targets.Select(t => new NotifiedState("r", channel, t, true, now, "L4CON", "Connection refused", now, id))]);
    }

    private static Task<string> DeliveryOf(NpgsqlDataSource db, AlertDecision d) =>
        ScalarAsync<string>(db, "SELECT coalesce((SELECT delivery || ' ' || attempts FROM hc_private.notification_outbox WHERE id = @id), 'not stored')", new { id = d.Message!.Id });

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql) => await ScalarAsync<long>(db, sql);

    [Fact]
    public async Task A_500_then_200_is_retried_and_delivered_once_with_its_id_in_the_header_and_the_payload()
    {
        using var receiver = new WebhookReceiver(500);
        await using var db = await TestDatabase.CreateMigratedAsync();
        await using var outbox = new NotificationOutbox(Settings(("ops", receiver.Url)), [new WebhookSender()], db, Quick);
        var decision = Decision();

        outbox.Add(decision);

        await receiver.WaitForAsync(r => r.Count == 2 && r[1].Status == 200, "a 500 then a 200");
        var (first, second) = (receiver.Received[0], receiver.Received[1]);
        Assert.Equal(decision.Message!.Id.ToString(), second.MessageId);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(second.MessageId, second.Headers[WebhookSender.IdempotencyHeader]);
        await EventuallyAsync(() => DeliveryOf(db, decision).Result == "delivered 2", "the outbox row delivered after 2 attempts");
        var status = Assert.Single(outbox.Status());
        Assert.Equal((1L, 0L, 1L, 0), (status.Delivered, status.Failed, status.Retried, status.Queued));
        Assert.StartsWith("HTTP 500", status.LastFailure);
        Assert.Equal(1L, await CountAsync(db, "SELECT count(*) FROM hc_private.notified_states WHERE state = 'DOWN'"));
    }

    [Fact]
    public async Task Waiting_for_the_records_stored_ends_only_once_what_was_queued_before_is_in_the_database()
    {
        using var receiver = new WebhookReceiver();
        await using var db = await TestDatabase.CreateMigratedAsync();
        await using var outbox = new NotificationOutbox(Settings(("ops", receiver.Url)), [new WebhookSender()], db, Quick);
        // Held by the test: the told states (and so their transaction) wait while it lasts.
        await using var locker = await db.OpenConnectionAsync();
        await using var held = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE hc_private.notified_states IN EXCLUSIVE MODE", locker, held))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        outbox.Add(Decision());
        var stored = outbox.StoredAsync(CancellationToken.None);
        await receiver.WaitForAsync(r => r.Count == 1, "the message, sent before it is stored");
        Assert.False(stored.IsCompleted);

        await held.RollbackAsync();
        await stored.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1L, await CountAsync(db, "SELECT count(*) FROM hc_private.notified_states WHERE state = 'DOWN'"));
    }

    [Fact]
    public async Task A_400_is_not_retried_and_shows_as_failed_with_the_receivers_answer()
    {
        using var receiver = new WebhookReceiver(400);
        await using var db = await TestDatabase.CreateMigratedAsync();
        await using var outbox = new NotificationOutbox(Settings(("ops", receiver.Url)), [new WebhookSender()], db, Quick);
        var refused = Decision();
        var next = Decision();

        outbox.Add(refused);
        outbox.Add(next);

        // One worker per channel, in order: once the next message arrived, the refused one is settled.
        await receiver.WaitForAsync(r => r.Any(h => h.Status == 200), "the next message");
        Assert.Equal([400, 200], receiver.Received.Select(r => r.Status));
        await EventuallyAsync(() => DeliveryOf(db, refused).Result == "failed 1", "the refused message failed after 1 attempt");
        var status = Assert.Single(outbox.Status());
        Assert.Equal((1L, 1L, 0L), (status.Delivered, status.Failed, status.Retried));
        Assert.Equal("HTTP 400 Bad Request: answer 400", status.LastFailure);
        Assert.Equal("HTTP 400 Bad Request: answer 400", await ScalarAsync<string>(db, "SELECT last_answer FROM notifications WHERE delivery = 'failed'"));
    }

    [Fact]
    public async Task A_receiver_down_then_back_gets_the_message_once_late()
    {
        using var receiver = new WebhookReceiver();
        receiver.Stop();
        await using var db = await TestDatabase.CreateMigratedAsync();
        await using var outbox = new NotificationOutbox(Settings(("ops", receiver.Url)), [new WebhookSender()], db, Quick);
        var decision = Decision();

        outbox.Add(decision);
        await EventuallyAsync(() => outbox.Status().Single().Retried >= 3, "three refused attempts");
        var waiting = outbox.Status().Single();
        Assert.Equal(1, waiting.Queued);
        Assert.NotNull(waiting.OldestQueuedAt);
        await EventuallyAsync(() => DeliveryOf(db, decision).Result.StartsWith("queued", StringComparison.Ordinal), "the row queued");
        receiver.Start();

        await receiver.WaitForAsync(r => r.Count == 1, "the message once back");
        await EventuallyAsync(() => DeliveryOf(db, decision).Result.StartsWith("delivered", StringComparison.Ordinal), "the row delivered");
        Assert.Single(receiver.Received);
        Assert.Equal(0, outbox.Status().Single().Queued);
    }

    [Fact]
    public async Task A_message_waiting_when_the_app_stops_is_delivered_once_by_the_next_start()
    {
        using var receiver = new WebhookReceiver();
        receiver.Stop();
        await using var db = await TestDatabase.CreateMigratedAsync();
        var settings = Settings(("ops", receiver.Url));
        var waiting = Decision();
        var delivered = Decision("other");
        using (var other = new WebhookReceiver())
        {
            var both = new InMemoryAlertSettings(settings.Current with { Channels = [.. settings.Current.Channels, new ChannelDefinition("other", ChannelKind.Webhook, other.Url, [], null)] });
            await using var before = new NotificationOutbox(both, [new WebhookSender()], db, Quick);
            before.Add(delivered);
            before.Add(waiting);
            await other.WaitForAsync(r => r.Count == 1, "the other channel's message");
            await EventuallyAsync(() => before.Status().Single(s => s.Channel == "ops").Retried >= 2 && before.PendingWrites == 0
                && DeliveryOf(db, delivered).Result.StartsWith("delivered", StringComparison.Ordinal), "the rows stored while ops is away");
        }

        var (told, queued) = await OutboxStore.LoadAsync(db);
        Assert.Equal([waiting.Message!.Id], queued.Select(q => q.Message.Id));
        Assert.Equal(waiting.Message, queued[0].Message with { Alerts = waiting.Message.Alerts });
        Assert.Equal(waiting.Message.Alerts, queued[0].Message.Alerts);
        Assert.Equal(2, told.Count);

        receiver.Start();
        await using var after = new NotificationOutbox(settings, [new WebhookSender()], db, Quick);
        after.Resume(queued);

        await receiver.WaitForAsync(r => r.Count == 1, "the waiting message after the restart");
        Assert.Equal(waiting.Message.Id.ToString(), receiver.Received[0].MessageId);
        await EventuallyAsync(() => DeliveryOf(db, waiting).Result.StartsWith("delivered", StringComparison.Ordinal), "the row delivered");
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Pruning_deletes_old_delivered_and_failed_messages_and_keeps_queued_ones_of_any_age()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var old = DateTimeOffset.UtcNow.AddDays(-100);
        OutboxRow Row(string delivery, DateTimeOffset at) =>
            new(Decision().Message! with { Id = Guid.CreateVersion7(), CreatedAt = at }, delivery, 1, null, at, "HTTP 200 OK", null);
        await OutboxStore.WriteAsync(db,
            [Row(DeliveryState.Delivered, old), Row(DeliveryState.Failed, old), Row(DeliveryState.Queued, old), Row(DeliveryState.Delivered, DateTimeOffset.UtcNow)], []);

        Assert.Equal(2, await OutboxStore.PruneAsync(db, DateTimeOffset.UtcNow.AddDays(-90)));

        Assert.Equal("delivered queued", await ScalarAsync<string>(db, "SELECT string_agg(delivery, ' ' ORDER BY delivery) FROM notifications"));
    }

    [Fact]
    public async Task Messages_go_while_PostgreSQL_is_stopped_and_their_rows_are_written_when_it_returns()
    {
        using var receiver = new WebhookReceiver();
        var root = TempFolder.Create("hc-alert-outage");
        var port = LoopbackPorts.Free();
        var cluster = await LocalCluster.StartAsync(root, TestLog.Silent, port: port);
        try
        {
            await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Timeout = 5 }.ConnectionString);
            await MigrationRunner.ApplyAsync(db, MigrationRunner.DefaultDirectory, TestLog.Silent);
            await using var outbox = new NotificationOutbox(Settings(("ops", receiver.Url)), [new WebhookSender()], db, Quick);
            await cluster.DisposeAsync();

            var storm = Decision("ops", [.. Enumerable.Range(0, 300).Select(i => $"shop/t{i:D3}")]);
            outbox.Add(storm);

            await receiver.WaitForAsync(r => r.Count == 1, "the storm's message while PostgreSQL is stopped");
            Assert.Equal(300, receiver.Received[0].Alerts.Count);
            await EventuallyAsync(() => outbox.DatabaseUnreachable, "the outbox finding PostgreSQL stopped");

            cluster = await LocalCluster.StartAsync(root, TestLog.Silent, port: port);
            await EventuallyAsync(() => outbox.PendingWrites == 0 && !outbox.DatabaseUnreachable, "the rows written");
            Assert.Equal("delivered 1", await DeliveryOf(db, storm));
            Assert.Equal(300L, await CountAsync(db, "SELECT count(*) FROM hc_private.notified_states WHERE state = 'DOWN'"));
        }
        finally
        {
            await cluster.DisposeAsync();
            TempFolder.Delete(root);
        }
    }
}
