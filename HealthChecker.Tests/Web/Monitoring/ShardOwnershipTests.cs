using HealthChecker.Core.Checks;
using HealthChecker.Core.Cluster;
using HealthChecker.Core.Health;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using HealthChecker.Web.Monitoring;
using Npgsql;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Web.Monitoring;

/// <summary>
/// Two nodes' target syncs on one real database, each following its own membership snapshots: every target is scheduled
/// by exactly one of them, a change of membership moves targets at once, and a node writes nothing of a target it handed over.
/// </summary>
public sealed class ShardOwnershipTests
{
    private const string A = "10.0.0.1:11111@1";
    private const string B = "10.0.0.2:11111@1";
    private const int Targets = 40;

    [Fact]
    public async Task Every_target_is_scheduled_by_exactly_one_node_and_a_leave_or_a_join_moves_only_the_shards_that_change_owner()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var ids = await AddTargetsAsync(db);
        await using var a = await Node.StartAsync(db, new ClusterMembers(A, [A, B], 1));
        await using var b = await Node.StartAsync(db, new ClusterMembers(B, [A, B], 1));

        var onA = a.ScheduledIds();
        var onB = b.ScheduledIds();
        Assert.Empty(onA.Intersect(onB));
        Assert.Equal(ids, onA.Union(onB).Order());
        Assert.Equal(ids.Where(id => ShardMap.OwnerOf(ShardMap.ShardOf(id), [A, B]) == A), onA.Order());
        Assert.NotEmpty(onB);

        // B leaves: it no longer is an Active member, A takes its targets; A's own stay as they were.
        // The scheduler's membership counter moves once per target added or removed: A's own targets are not touched.
        var movesOnA = a.Scheduler.Membership;
        b.Ownership.Set(new ClusterMembers(B, [A], 2));
        a.Ownership.Set(new ClusterMembers(A, [A], 2));
        await EventuallyAsync(() => b.Scheduler.Count == 0 && a.Scheduler.Count == Targets, "B dropped everything and A checks every target");
        Assert.Equal(movesOnA + onB.Count, a.Scheduler.Membership);

        // B joins again: it takes back exactly the shards it wins.
        a.Ownership.Set(new ClusterMembers(A, [A, B], 3));
        b.Ownership.Set(new ClusterMembers(B, [A, B], 3));
        await EventuallyAsync(() => a.ScheduledIds().SetEquals(onA) && b.ScheduledIds().SetEquals(onB), "each node checks its share again");
        Assert.Equal(movesOnA + (2 * onB.Count), a.Scheduler.Membership);
    }

    [Fact]
    public async Task A_node_declared_dead_drops_every_target_and_writes_nothing_of_them_from_then_on()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var ids = await AddTargetsAsync(db);
        await using var a = await Node.StartAsync(db, ClusterMembers.Alone(A));
        Assert.Equal(Targets, a.Scheduler.Count);

        a.Ownership.Set(new ClusterMembers(A, [B], 2));
        // The node disowns the shards first and then removes each target on its loop. A check that ends in between (the
        // first target is due at once) is discarded: the count is read once every removal has run on the (single) loop,
        // after which no event of a dropped target can come.
        await EventuallyAsync(() => a.Scheduler.Count == 0 && a.Removals == Targets, "A dropped every target");
        await a.Writer.FlushAsync();
        var disowned = a.Writer.Disowned;
        var discarded = a.Recorder.Discarded;

        // A check that was in flight when the target was dropped ends now: its result and its change are discarded.
        var at = DateTimeOffset.UtcNow;
        var result = new CheckResult(CheckTarget.Of("tcp", "127.0.0.1", 9), CheckStatus.L4Connection, "Connection refused", 1, default);
        a.Recorder.OnCheckCompleted(new TargetCheckResult($"default/t{ids[0]}", ids[0], result, at, TimeSpan.Zero, at, TargetState.Down, "DOWN"));
        a.Recorder.OnStateChanged(new TargetStateChange($"default/t{ids[0]}", ids[0], TargetState.Up, TargetState.Down, "DOWN", "refused", result, at));
        // A row buffered before the drop is not written either.
        a.Writer.Add(new CheckResultRow(ids[1], at.UtcDateTime, "L4OK", true, 1, null, null));
        await a.Writer.FlushAsync();

        Assert.Equal(discarded + 2, a.Recorder.Discarded);
        Assert.Equal(disowned + 1, a.Writer.Disowned);
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results WHERE checked_at >= @at", new { at = at.UtcDateTime }));
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM state_changes WHERE at >= @at", new { at = at.UtcDateTime }));
    }

    [Fact]
    public async Task A_target_taken_over_from_another_node_goes_on_from_its_state_and_is_next_checked_an_interval_after_that_nodes_check()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var id = (await AddTargetsAsync(db, count: 1))[0];
        await using var a = await Node.StartAsync(db, new ClusterMembers(A, [B], 1));
        await using var b = await Node.StartAsync(db, ClusterMembers.Alone(B));
        await EventuallyAsync(() => b.Scheduler.ChecksCompleted == 1, "B checked the target");
        await b.Writer.FlushAsync();
        var checkedAt = await ScalarAsync<DateTime>(db, "SELECT max(checked_at) FROM check_results WHERE target_id = @id", new { id });

        // B stops (it is no longer Active) and A, alone now, takes the target over.
        b.Ownership.Set(new ClusterMembers(B, [A], 2));
        a.Ownership.Set(ClusterMembers.Alone(A));
        await EventuallyAsync(() => a.Scheduler.Count == 1 && b.Scheduler.Count == 0, "A took the target over");

        var taken = a.Scheduler.Snapshot().Single();
        Assert.Equal((TargetState.Down, "DOWN"), (taken.State, taken.Display));
        // The scheduler turns the due time into a delay, and the loop adds it to its own clock when it takes the target: the
        // hand-off to the loop thread shifts it by that much (milliseconds), against a spread of up to the hour otherwise.
        Assert.Equal(new DateTimeOffset(checkedAt, TimeSpan.Zero) + TimeSpan.FromHours(1), taken.NextCheckAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(0L, a.Scheduler.ChecksCompleted);
    }

    [Fact]
    public async Task Targets_of_a_dead_node_whose_due_times_passed_during_detection_are_checked_at_once_then_on_their_old_grid()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var ids = await AddTargetsAsync(db, count: 3);
        // The dead node's last checks (inter 1 h): each one's due time passed a few seconds ago, while its death was detected.
        var last = DateTime.UtcNow - TimeSpan.FromHours(1) - TimeSpan.FromSeconds(10);
        await ExecuteAsync(db, """
            INSERT INTO check_results (target_id, checked_at, status, passed, duration_ms)
            SELECT id, @last, 'L4CON', false, 1 FROM unnest(@ids) AS id
            """, new { ids, last });

        await using var a = await Node.StartAsync(db, ClusterMembers.Alone(A));

        // Not spread over a new hour: every one is checked now, and next an hour after its missed due time, as before.
        await EventuallyAsync(() => a.Scheduler.ChecksCompleted == ids.Length, "every overdue target was checked at once");
        await a.Scheduler.SettledAsync();
        Assert.All(a.Scheduler.Snapshot(), s =>
            Assert.Equal(new DateTimeOffset(last, TimeSpan.Zero) + TimeSpan.FromHours(2), s.NextCheckAt!.Value, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_node_started_on_a_membership_has_released_what_that_membership_gives_the_others()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        await AddTargetsAsync(db);
        await using var a = await Node.StartAsync(db, new ClusterMembers(A, [A, B], 7));

        // It loaded only its own shards under version 7: a new owner asking whether it let go of theirs is answered at once,
        // not after the limit (an hour here) or the next membership change.
        var released = a.ReleasedAsync(7, TimeSpan.FromHours(1));
        Assert.True(await released.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task<long[]> AddTargetsAsync(NpgsqlDataSource db, int count = Targets)
    {
        // Checks an hour apart: the first checks spread over that hour, so the tests watch scheduling, not results.
        await ExecuteAsync(db, $"""
            INSERT INTO targets (name, kind, host, port, inter_ms)
            SELECT 't' || g, 'tcp', '127.0.0.1', 9, 3600000 FROM generate_series(1, {count}) g
            """);
        await ExecuteAsync(db, "UPDATE targets SET name = 't' || id");
        await using var conn = await db.OpenConnectionAsync();
        return [.. await Dapper.SqlMapper.QueryAsync<long>(conn, "SELECT id FROM targets ORDER BY id")];
    }

    private sealed class Node : IAsyncDisposable
    {
        private readonly TargetSync _sync;
        private long _removals;

        private Node(NpgsqlDataSource db, ClusterMembers first)
        {
            Ownership = new SettableOwnership(first);
            Writer = new ResultWriter(db, TestLog.Silent);
            Scheduler = new TargetScheduler(new SchedulerOptions { Loops = 1, Log = TestLog.Silent });
            var owned = new OwnedShards();
            Writer.KeepOnly(owned.Holds);
            Recorder = new HistoryRecorder(Writer, () => { }, owned);
            Scheduler.CheckCompleted += Recorder.OnCheckCompleted;
            Scheduler.StateChanged += Recorder.OnStateChanged;
            Scheduler.Removed += _ => Interlocked.Increment(ref _removals);
            _sync = new TargetSync(new TargetStore(db), db, new TargetChangeFeed(), Scheduler, Recorder, () => { }, TestLog.Silent,
                ownership: Ownership, owned: owned);
        }

        public SettableOwnership Ownership { get; }

        public ResultWriter Writer { get; }

        public TargetScheduler Scheduler { get; }

        public HistoryRecorder Recorder { get; }

        /// <summary>Removals the scheduler announced, each from the target's loop once it was taken off it.</summary>
        public long Removals => Interlocked.Read(ref _removals);

        public static async Task<Node> StartAsync(NpgsqlDataSource db, ClusterMembers first)
        {
            var node = new Node(db, first);
            node.Writer.Start();
            await node._sync.StartAsync(CancellationToken.None);
            return node;
        }

        public Task<bool> ReleasedAsync(long version, TimeSpan limit) => _sync.ReleasedAsync(version, limit, CancellationToken.None);

        public HashSet<long> ScheduledIds() => [.. Scheduler.Snapshot().Select(s => s.Id!.Value)];

        public async ValueTask DisposeAsync()
        {
            await _sync.DisposeAsync();
            Scheduler.Dispose();
            await Writer.DisposeAsync();
        }
    }
}
