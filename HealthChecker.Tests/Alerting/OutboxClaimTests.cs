using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Alerting;

/// <summary>
/// Several app processes on one database (a cluster's nodes) share the outbox: each queued message is claimed by one of
/// them for a lease, so no two deliver it; a dead process's messages are taken once its lease has run out.
/// </summary>
public sealed class OutboxClaimTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private static OutboxRow Queued(int i)
    {
        var now = DateTimeOffset.UtcNow;
        var message = new AlertMessage(Guid.CreateVersion7(), "r", "ops", "{}", now.AddMilliseconds(i),
            [new AlertItem($"shop/t{i}", "shop", $"t{i}", i, true, now, null, "L4CON", null, "Layer4 connection problem")]);
        return new OutboxRow(message, DeliveryState.Queued, 1, now, now, "HTTP 503", null);
    }

    [Fact]
    public async Task Two_processes_loading_the_same_outbox_at_once_never_get_the_same_message_and_between_them_get_all()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var rows = Enumerable.Range(0, 200).Select(Queued).ToList();
        // Left by a process that is gone (its lease over): anyone may take them.
        await OutboxStore.WriteAsync(db, rows, [], claim: new OutboxClaim("gone", TimeSpan.Zero));

        var loads = await Task.WhenAll(Enumerable.Range(0, 2).Select(n => Task.Run(() => OutboxStore.LoadAsync(db, new OutboxClaim($"node-{n}", Lease)))));

        var a = loads[0].Queued.Select(r => r.Message.Id).ToHashSet();
        var b = loads[1].Queued.Select(r => r.Message.Id).ToHashSet();
        Assert.Empty(a.Intersect(b));
        Assert.Equal(rows.Select(r => r.Message.Id).Order(), a.Union(b).Order());
        Assert.Equal(200L, await ScalarAsync<long>(db, "SELECT count(*) FROM hc_private.notification_outbox WHERE claimed_by IN ('node-0', 'node-1') AND claimed_until > now()"));
    }

    [Fact]
    public async Task A_message_claimed_by_a_live_process_is_not_taken_until_its_lease_runs_out_and_its_owner_takes_it_back_at_once()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var mine = Queued(1);
        await OutboxStore.WriteAsync(db, [mine], [], claim: new OutboxClaim("node-a", Lease));

        Assert.Empty((await OutboxStore.LoadAsync(db, new OutboxClaim("node-b", Lease))).Queued);
        Assert.Empty(await OutboxStore.ClaimAsync(db, new OutboxClaim("node-b", Lease)));
        // Renewed while node-a lives; node-a itself (a restart under the same name) takes it back at once.
        Assert.Equal(1, await OutboxStore.RenewAsync(db, new OutboxClaim("node-a", Lease)));
        Assert.Equal([mine.Message.Id], (await OutboxStore.LoadAsync(db, new OutboxClaim("node-a", Lease))).Queued.Select(r => r.Message.Id));

        // node-a gone: once its lease is over (made so here), node-b takes it, and node-a can no longer renew it.
        await ExecuteAsync(db, "UPDATE hc_private.notification_outbox SET claimed_until = now() - interval '1 second'");
        Assert.Equal([mine.Message.Id], (await OutboxStore.ClaimAsync(db, new OutboxClaim("node-b", Lease))).Select(r => r.Message.Id));
        Assert.Equal(0, await OutboxStore.RenewAsync(db, new OutboxClaim("node-a", Lease)));
        Assert.Empty(await OutboxStore.ClaimAsync(db, new OutboxClaim("node-c", Lease)));
    }
}
