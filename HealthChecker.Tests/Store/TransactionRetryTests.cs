using Dapper;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using Npgsql;
using Serilog.Events;

namespace HealthChecker.Tests.Store;

/// <summary>The retry of a whole transaction, against errors PostgreSQL itself raises.</summary>
public sealed class TransactionRetryTests
{
    [Fact]
    public async Task A_transaction_aborted_for_serialization_runs_again_until_it_commits_and_each_retry_is_a_warning()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var (log, events) = TestLog.Collecting();
        var retry = new TransactionRetry(log, TimeSpan.FromMilliseconds(1));
        var attempts = 0;

        var result = await retry.RunAsync("Counting", async ct =>
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await conn.ExecuteAsync("CREATE TABLE IF NOT EXISTS attempts (n integer)", transaction: tx);
            await conn.ExecuteAsync("INSERT INTO attempts VALUES (1)", transaction: tx);
            if (++attempts < 3)
            {
                await conn.ExecuteAsync("DO $$ BEGIN RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001'; END $$", transaction: tx);
            }

            await tx.CommitAsync(ct);
            return attempts;
        }, CancellationToken.None);

        Assert.Equal(3, result);
        Assert.Equal(1, await HistoryRows.ScalarAsync<long>(db, "SELECT count(*) FROM attempts"));
        Assert.Equal(2, events.Events.Count(e => e.Level == LogEventLevel.Warning && e.RenderMessage().StartsWith("Counting lost to a concurrent transaction (40001", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_transaction_that_keeps_losing_deadlocks_is_given_up_after_the_last_attempt_as_store_busy()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var retry = new TransactionRetry(TestLog.Silent, TimeSpan.FromMilliseconds(1));
        var attempts = 0;

        var busy = await Assert.ThrowsAsync<StoreBusyException>(() => retry.RunAsync("Deadlocking", async ct =>
        {
            attempts++;
            await using var conn = await db.OpenConnectionAsync(ct);
            return await conn.ExecuteScalarAsync<int>("DO $$ BEGIN RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01'; END $$");
        }, CancellationToken.None));

        Assert.Equal(TransactionRetry.MaxAttempts, attempts);
        Assert.Equal(PostgresErrorCodes.DeadlockDetected, Assert.IsType<PostgresException>(busy.InnerException).SqlState);
    }

    [Fact]
    public async Task Other_errors_are_not_retried()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var retry = new TransactionRetry(TestLog.Silent, TimeSpan.FromMilliseconds(1));
        var attempts = 0;

        var error = await Assert.ThrowsAsync<PostgresException>(() => retry.RunAsync("Failing", async ct =>
        {
            attempts++;
            await using var conn = await db.OpenConnectionAsync(ct);
            return await conn.ExecuteScalarAsync<int>("SELECT 1 / 0");
        }, CancellationToken.None));

        Assert.Equal((1, PostgresErrorCodes.DivisionByZero), (attempts, error.SqlState));
    }
}
