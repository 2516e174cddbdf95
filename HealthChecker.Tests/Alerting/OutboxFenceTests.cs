using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Support.HistoryRows;
using static HealthChecker.Tests.Support.MembershipRows;

namespace HealthChecker.Tests.Alerting;

/// <summary>The alert records the engine side writes (outbox rows, notified states) pass this node's membership fence.</summary>
public sealed class OutboxFenceTests
{
    private static readonly DeliveryOptions FencedQuick = new()
    {
        FirstRetryDelay = TimeSpan.FromMilliseconds(50),
        StoreRetryMinDelay = TimeSpan.FromMilliseconds(50),
        StoreRetryMaxDelay = TimeSpan.FromMilliseconds(500),
        Fence = Node,
    };

    private static AlertDecision Decision(string target)
    {
        var now = DateTimeOffset.UtcNow;
        var id = Guid.CreateVersion7();
        var item = new AlertItem(target, "shop", target.Split('/')[1], 1, true, now, null, "L4CON", "Connection refused", "Layer4 connection problem");
        return new AlertDecision(
            new AlertMessage(id, "r", "ops", "{}:{alertname=\"r\"}", now, [item]),
            [new NotifiedState("r", "ops", target, true, now, "L4CON", "Connection refused", now, id)]);
    }

    [Fact]
    public async Task Outbox_rows_and_notified_states_are_stored_while_Active_and_dropped_not_retried_once_the_node_is_Dead()
    {
        using var receiver = new WebhookReceiver();
        await using var db = await TestDatabase.CreateMigratedAsync();
        await JoinActiveAsync(db, Node);
        await using var outbox = new NotificationOutbox(NotificationOutboxTests.Settings(("ops", receiver.Url)), [new WebhookSender()], db, FencedQuick);
        var fencedOut = new TaskCompletionSource<FencedOutException>(TaskCreationOptions.RunContinuationsAsynchronously);
        outbox.FencedOut += e => fencedOut.TrySetResult(e);
        var before = Decision("shop/api");

        outbox.Add(before);
        await EventuallyAsync(() => ScalarAsync<long>(db, "SELECT count(*) FROM hc_private.notification_outbox WHERE delivery = 'delivered'").Result == 1,
            "the first message stored as delivered");

        await DeclareDeadAsync(db, Node);
        var after = Decision("shop/db");
        outbox.Add(after);

        Assert.Equal(Dead, (await fencedOut.Task.WaitAsync(TimeSpan.FromSeconds(30))).Status);
        await receiver.WaitForAsync(r => r.Count == 2, "both messages sent: a record fenced out does not hold a message back");
        await EventuallyAsync(() => outbox.PendingWrites == 0, "nothing left to write");
        Assert.Equal((1L, 1L), (
            await ScalarAsync<long>(db, "SELECT count(*) FROM hc_private.notification_outbox"),
            await ScalarAsync<long>(db, "SELECT count(*) FROM hc_private.notified_states")));
        Assert.True(outbox.FencedWrites >= 2);
        Assert.False(outbox.DatabaseUnreachable);
    }
}
