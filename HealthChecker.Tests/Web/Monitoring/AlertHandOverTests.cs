using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Cluster;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using HealthChecker.Web.Alerting;
using HealthChecker.Web.Monitoring;
using Npgsql;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Web.Monitoring;

/// <summary>
/// Two nodes (target sync, engine, history and alerting each) on one real database, following membership snapshots the test
/// sets, alerting one real webhook receiver: a target handed from one to the other keeps its alert as it was told.
/// </summary>
public sealed class AlertHandOverTests
{
    private const string A = "10.0.0.1:11111@1";
    private const string B = "10.0.0.2:11111@1";

    private static InMemoryAlertSettings Settings(WebhookReceiver ops, TimeSpan? repeat = null) => new(new AlertSettings(
        [new ChannelDefinition("ops", ChannelKind.Webhook, ops.Url, [], null)],
        [new AlertRule("shop-down", "shop/*", ["ops"], TimeSpan.Zero, repeat, true, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100))]));

    private static Task AddTargetAsync(NpgsqlDataSource db, SwitchablePeer peer) => ExecuteAsync(db, $"""
        INSERT INTO targets (group_name, name, kind, host, port, inter_ms, rise, fall)
        VALUES ('shop', 'x', 'tcp', '127.0.0.1', {peer.EndPoint.Port}, 300, 1, 1)
        """);

    [Fact]
    public async Task A_node_started_while_another_nodes_target_fires_does_not_remind_of_it()
    {
        using var ops = new WebhookReceiver();
        using var peer = new SwitchablePeer();
        await using var db = await TestDatabase.CreateMigratedAsync();
        var settings = Settings(ops, repeat: TimeSpan.FromMilliseconds(500));
        await AddTargetAsync(db, peer);
        await using var a = await Node.StartAsync(db, settings, "a", ClusterMembers.Alone(A));
        // A reminds every 500 ms from here on: the count only grows, and a wait for exactly one could look too late.
        await ops.WaitForAsync(r => r.Count >= 1, "A's alert that shop/x is DOWN");
        await EventuallyAsync(() => a.Outbox.PendingWrites == 0 && ScalarAsync<long>(db,
            "SELECT count(*) FROM hc_private.notified_states WHERE target = 'shop/x' AND state = 'DOWN'").Result == 1, "the alert stored as told DOWN");

        // B starts as a member that checks nothing; A reminds of shop/x every 500 ms, B never.
        await using var b = await Node.StartAsync(db, settings, "b", new ClusterMembers(B, [A], 1));
        var sent = ops.Received.Count;
        await EventuallyAsync(() => a.Evaluator.Decisions >= sent + 2, "two reminders of A after B started");
        Assert.Equal(0L, b.Evaluator.Decisions);
    }

    [Fact]
    public async Task A_target_told_down_and_handed_to_another_node_is_neither_resolved_nor_told_again_and_its_recovery_is_resolved_once()
    {
        using var ops = new WebhookReceiver();
        using var peer = new SwitchablePeer();
        await using var db = await TestDatabase.CreateMigratedAsync();
        var settings = Settings(ops);
        // Closed: the target is DOWN at its first check (fall 1), and checked every 300 ms.
        await AddTargetAsync(db, peer);
        await using var a = await Node.StartAsync(db, settings, "a", ClusterMembers.Alone(A));
        await using var b = await Node.StartAsync(db, settings, "b", new ClusterMembers(B, [A], 1));

        await ops.WaitForAsync(r => r.Count == 1, "A's alert that shop/x is DOWN");
        Assert.Equal(("firing", "shop/x"), (ops.Received[0].PayloadStatus, ops.Received[0].Targets.Single()));
        await EventuallyAsync(() => a.Outbox.PendingWrites == 0 && ScalarAsync<long>(db,
            "SELECT count(*) FROM hc_private.notified_states WHERE target = 'shop/x' AND state = 'DOWN'").Result == 1, "the alert stored as told DOWN");
        await a.Writer.FlushAsync();
        var decisionsOfA = a.Evaluator.Decisions;

        // A leaves, B alone takes shop/x over: it goes on DOWN, and its checks there tell nothing new.
        a.Ownership.Set(new ClusterMembers(A, [B], 2));
        b.Ownership.Set(ClusterMembers.Alone(B));
        await EventuallyAsync(() => a.Scheduler.Count == 0 && b.Scheduler.Count == 1, "B took shop/x over");
        await EventuallyAsync(() => b.Evaluator.Observed >= 1 && b.Scheduler.ChecksCompleted >= 2, "B checked shop/x DOWN, twice");

        // Back UP, checked by B: one resolution, from B.
        peer.Open();
        await ops.WaitForAsync(r => r.Count >= 2, "the resolution of shop/x");
        await EventuallyAsync(() => a.Outbox.PendingWrites == 0 && b.Outbox.PendingWrites == 0 && ScalarAsync<long>(db,
            "SELECT count(*) FROM hc_private.notified_states WHERE target = 'shop/x' AND state = 'UP'").Result == 1, "the resolution stored");

        Assert.Equal(2, ops.Received.Count);
        var resolution = ops.Received[1];
        Assert.Equal(("resolved", "shop/x"), (resolution.PayloadStatus, resolution.Targets.Single()));
        Assert.Equal("shop/x is UP again", resolution.Alerts[0].GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal(decisionsOfA, a.Evaluator.Decisions);
        Assert.Equal(2L, await ScalarAsync<long>(db, "SELECT count(*) FROM hc_private.notification_outbox"));
    }

    [Fact]
    public async Task A_target_whose_alert_is_not_stored_yet_when_a_joining_node_takes_it_over_is_told_once()
    {
        using var ops = new WebhookReceiver();
        using var peer = new SwitchablePeer();
        await using var db = await TestDatabase.CreateMigratedAsync();
        var settings = Settings(ops);
        await AddTargetAsync(db, peer);
        var id = await ScalarAsync<long>(db, "SELECT id FROM targets");
        // A joining member that wins shop/x's shard from A.
        var joining = Enumerable.Range(2, 200).Select(n => $"10.0.0.{n}:11111@1").First(m => ShardMap.OwnerOf(ShardMap.ShardOf(id), [A, m]) == m);

        // Held by the test: A's told states wait to be stored while it lasts; reading them (B's adoption) goes on.
        await using var locker = await db.OpenConnectionAsync();
        await using var held = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE hc_private.notified_states IN EXCLUSIVE MODE", locker, held))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        await using var a = await Node.StartAsync(db, settings, "a", ClusterMembers.Alone(A));
        await using var b = await Node.StartAsync(db, settings, "b", new ClusterMembers(joining, [A], 1));
        await ops.WaitForAsync(r => r.Count == 1, "A's alert that shop/x is DOWN");
        Assert.True(a.Outbox.PendingWrites > 0);

        // B waits for A to let go, as the node grain's release answers it, then reads what was told of shop/x.
        var adopted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Sync.AwaitsRelease((_, version, ct) => a.Sync.ReleasedAsync(version, TimeSpan.FromSeconds(30), ct));
        var adoption = TakenOverAlerts.Adoption(_ => Task.FromResult(b.Evaluator), db);
        b.Sync.BeforeAdding(async (targets, ct) =>
        {
            await adoption(targets, ct);
            adopted.TrySetResult();
        });

        // B joins: shop/x moves from A, still Active, to B.
        a.Ownership.Set(new ClusterMembers(A, [A, joining], 2));
        b.Ownership.Set(new ClusterMembers(joining, [A, joining], 2));
        // The lock goes once B read the told states, or once A waits for what it decided to be stored before it lets go.
        await Task.WhenAny(adopted.Task, a.StoringHandedOver.Task).WaitAsync(TimeSpan.FromSeconds(60));
        await held.RollbackAsync();
        await EventuallyAsync(() => a.Scheduler.Count == 0 && b.Scheduler.Count == 1 && b.Evaluator.Observed >= 1, "B took shop/x over and checked it DOWN");

        // Back UP: B resolves it. One channel's messages go in the order decided, so a second alert by B would come first.
        peer.Open();
        await ops.WaitForAsync(r => r.Any(h => h.PayloadStatus == "resolved"), "the resolution of shop/x");
        Assert.Equal(["firing", "resolved"], ops.Received.Select(h => h.PayloadStatus));
    }

    private sealed class Node : IAsyncDisposable
    {
        private static readonly DeliveryOptions Quick = new()
        {
            FirstRetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        };

        private readonly TargetSync _sync;

        private Node(NpgsqlDataSource db, IAlertSettingsSource settings, string name, ClusterMembers first)
        {
            Ownership = new SettableOwnership(first);
            Writer = new ResultWriter(db, TestLog.Silent);
            Scheduler = new TargetScheduler(new SchedulerOptions { Loops = 1, Log = TestLog.Silent });
            var owned = new OwnedShards();
            Writer.KeepOnly(owned.Holds);
            var recorder = new HistoryRecorder(Writer, () => { }, owned);
            Scheduler.CheckCompleted += recorder.OnCheckCompleted;
            Scheduler.StateChanged += recorder.OnStateChanged;
            _sync = new TargetSync(new TargetStore(db), db, new TargetChangeFeed(), Scheduler, recorder, () => { }, TestLog.Silent,
                ownership: Ownership, owned: owned);
            // Each node delivers what it decided: two claimers, as two processes are.
            Outbox = new NotificationOutbox(settings, [new WebhookSender()], db, Quick with { Claim = new OutboxClaim(name, OutboxClaim.DefaultLease) });
            Evaluator = new AlertEvaluator(settings, Outbox);
            Evaluator.Attach(Scheduler);
            // As the app's alerting does: what was told of targets taken over is read before they are added.
            _sync.BeforeAdding(TakenOverAlerts.Adoption(_ => Task.FromResult(Evaluator), db));
            // And what it decided of targets it hands over is stored before they count as let go (a generous bound: a loaded machine).
            var storing = TakenOverAlerts.Storing(Evaluator, Outbox, TestLog.Silent, TimeSpan.FromSeconds(30));
            _sync.AfterHandingOver(async ct =>
            {
                StoringHandedOver.TrySetResult();
                await storing(ct);
            });
        }

        public SettableOwnership Ownership { get; }

        public TargetSync Sync => _sync;

        /// <summary>Set once this node waits for what its alerting decided of targets it hands over to be stored.</summary>
        public TaskCompletionSource StoringHandedOver { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ResultWriter Writer { get; }

        public TargetScheduler Scheduler { get; }

        public NotificationOutbox Outbox { get; }

        public AlertEvaluator Evaluator { get; }

        public static async Task<Node> StartAsync(NpgsqlDataSource db, IAlertSettingsSource settings, string name, ClusterMembers first)
        {
            var node = new Node(db, settings, name, first);
            node.Writer.Start();
            await node._sync.StartAsync(CancellationToken.None);
            var (told, queued) = await OutboxStore.LoadAsync(db, new OutboxClaim(name, OutboxClaim.DefaultLease));
            node.Outbox.Resume(queued);
            node.Evaluator.Start(TakenOverAlerts.CheckedHere(told, node.Scheduler));
            return node;
        }

        public async ValueTask DisposeAsync()
        {
            await _sync.DisposeAsync();
            await Evaluator.DisposeAsync();
            await Outbox.DisposeAsync();
            Scheduler.Dispose();
            await Writer.DisposeAsync();
        }
    }
}
