using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using Npgsql;
using static HealthChecker.Tests.Support.HistoryRows;
using static HealthChecker.Tests.Support.MembershipRows;

namespace HealthChecker.Tests.Store;

/// <summary>The result writer fenced by this node's membership row: it writes while Active, never after.</summary>
public class MembershipFenceTests
{
    private static readonly ResultWriterOptions Fenced = new() { Fence = Node, RetryMinDelay = TimeSpan.FromMilliseconds(20) };

    [Fact]
    public async Task Results_and_state_changes_are_written_while_Active_and_the_first_batch_after_the_node_is_declared_Dead_is_dropped_not_retried()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "a");
        await JoinActiveAsync(db, Node);
        await using var writer = new ResultWriter(db, TestLog.Silent, Fenced);
        var fencedOut = new TaskCompletionSource<FencedOutException>(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = 0;
        writer.FencedOut += e =>
        {
            Interlocked.Increment(ref events);
            fencedOut.TrySetResult(e);
        };
        writer.Start();

        for (var n = 0; n < 100; n++)
        {
            writer.Add(Result(target, n));
        }

        writer.Add(new StateChangeRow(target, DateTime.UtcNow.AddMinutes(-1), "UNKNOWN", "UP", "L4OK", null, 1));
        await writer.FlushAsync();
        Assert.Equal((100L, 1L), (await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"), await ScalarAsync<long>(db, "SELECT count(*) FROM state_changes")));

        await DeclareDeadAsync(db, Node);
        for (var n = 100; n < 150; n++)
        {
            writer.Add(Result(target, n));
        }

        writer.Add(new StateChangeRow(target, DateTime.UtcNow, "UP", "DOWN", "L4CON", "refused", 1));
        var refused = await fencedOut.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Dead, refused.Status);
        Assert.Equal((100L, 1L, 1L), (
            await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"),
            await ScalarAsync<long>(db, "SELECT count(*) FROM state_changes"),
            await ScalarAsync<long>(db, "SELECT count(*) FROM result_batches")));
        Assert.True(writer.IsFencedOut);
        Assert.Equal((100, 1, 50, 1), (writer.Written, writer.WrittenStateChanges, writer.FencedResults, writer.FencedStateChanges));
        // Dropped, not retried: no failed attempt, and a row added now is counted as fenced without a write.
        Assert.Equal((0L, 0L, 0), (writer.FailedAttempts, writer.Dropped, writer.Buffered));
        writer.Add(Result(target, 150));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((51L, 1, 0L), (writer.FencedResults, events, writer.FailedAttempts));
        Assert.Equal(100L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"));
    }

    [Fact]
    public async Task A_node_still_joining_writes_what_it_has_to_write()
    {
        // A node joining owns no shard yet, but its alerting may deliver messages left queued and record that.
        await using var db = await TestDatabase.CreateMigratedAsync();
        await JoinActiveAsync(db.ConnectionString, Node, MembershipRows.Joining);
        var target = await AddTargetAsync(db, "a");
        await using var writer = new ResultWriter(db, TestLog.Silent, Fenced);
        writer.Start();

        writer.Add(Result(target, 1));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((1L, 0L, false), (await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"), writer.FencedResults, writer.IsFencedOut));
    }

    [Fact]
    public async Task A_node_without_a_membership_row_is_fenced_out()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "a");
        await using var writer = new ResultWriter(db, TestLog.Silent, Fenced);
        var fencedOut = new TaskCompletionSource<FencedOutException>(TaskCreationOptions.RunContinuationsAsynchronously);
        writer.FencedOut += e => fencedOut.TrySetResult(e);
        writer.Start();

        writer.Add(Result(target, 1));
        writer.Add(new StateChangeRow(target, DateTime.UtcNow, "UNKNOWN", "UP", "L4OK", null, 1));
        var refused = await fencedOut.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(refused.Status);
        Assert.Equal((0L, 0L), (await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"), await ScalarAsync<long>(db, "SELECT count(*) FROM state_changes")));
        Assert.Equal((0, 1, 1), (writer.Written, writer.FencedResults, writer.FencedStateChanges));
    }

    [Fact]
    public async Task A_node_declaring_this_one_Dead_waits_for_the_fenced_write_in_flight_and_the_write_after_it_is_fenced_out()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "a");
        await JoinActiveAsync(db, Node);

        // This node's write, held open after its fence passed.
        await using var writing = await db.OpenConnectionAsync();
        await using var write = await writing.BeginTransactionAsync();
        await using (var fence = new NpgsqlBatch(writing, write) { BatchCommands = { Node.Command() } })
        await using (var reader = await fence.ExecuteReaderAsync())
        {
            await Node.PassAsync(reader, CancellationToken.None);
        }

        await using (var insert = new NpgsqlCommand("INSERT INTO check_results (target_id, checked_at, status, passed, duration_ms) VALUES ($1, now(), 'L4OK', true, 1)", writing, write))
        {
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = target });
            await insert.ExecuteNonQueryAsync();
        }

        // Another node declares this one Dead: it waits on the row this write holds.
        await using var declaring = await db.OpenConnectionAsync();
        var declared = DeclareDeadAsync(declaring, Node);
        await WaitForLockWaitAsync(db, declaring.ProcessID);
        Assert.False(declared.IsCompleted);

        await write.CommitAsync();
        Assert.Equal(1, await declared.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"));

        // The write after the declaration sees Dead.
        await using var writer = new ResultWriter(db, TestLog.Silent, Fenced);
        var fencedOut = new TaskCompletionSource<FencedOutException>(TaskCreationOptions.RunContinuationsAsynchronously);
        writer.FencedOut += e => fencedOut.TrySetResult(e);
        writer.Start();
        writer.Add(Result(target, 1));
        Assert.Equal(Dead, (await fencedOut.Task.WaitAsync(TimeSpan.FromSeconds(30))).Status);
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"));
    }

    /// <summary>Until the session <paramref name="pid"/> waits for a lock it was not granted.</summary>
    private static async Task WaitForLockWaitAsync(NpgsqlDataSource db, int pid)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await ScalarAsync<bool>(db, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = @pid AND NOT granted)", new { pid }))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Session {pid} never waited for a lock");
    }
}
