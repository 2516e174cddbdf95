using HealthChecker.Core.Store;
using HealthChecker.Testing;
using HealthChecker.Tests.Support;
using Npgsql;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Store;

/// <summary>How the result writer gathers rows into transactions: each batch costs PostgreSQL a transaction and a fence read.</summary>
public sealed class ResultBatchingTests
{
    [Fact]
    public async Task Rows_that_arrive_while_a_batch_is_written_wait_for_the_batch_delay_and_go_out_together()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "a");
        await using var writer = new ResultWriter(db, TestLog.Silent, new ResultWriterOptions { BatchSize = 1_000, BatchDelay = TimeSpan.FromSeconds(5) });
        writer.Start();

        // The first batch's write waits on this lock: the next row arrives while a batch is being written.
        await using var blocker = await db.OpenConnectionAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var lockBatches = new NpgsqlCommand("LOCK TABLE result_batches IN EXCLUSIVE MODE", blocker, tx))
        {
            await lockBatches.ExecuteNonQueryAsync();
        }

        writer.Add(Result(target, 1));
        await WaitForAsync(async () => await WaitingOnLockAsync(db));
        writer.Add(Result(target, 2));
        await tx.CommitAsync();
        await WaitForAsync(() => Task.FromResult(writer.Written == 1));
        // Well within the batch delay of the second row: it joins that row's batch.
        writer.Add(Result(target, 3));
        await writer.FlushAsync();

        Assert.Equal(3, writer.Written);
        Assert.Equal(2L, await ScalarAsync<long>(db, "SELECT count(*) FROM result_batches"));
    }

    private static async Task<bool> WaitingOnLockAsync(NpgsqlDataSource db) =>
        await ScalarAsync<long>(db, "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'result_batches'::regclass") > 0;

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(10, limit.Token);
        }
    }
}
