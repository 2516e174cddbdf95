using Dapper;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;
using Npgsql;

namespace HealthChecker.Tests.Store;

/// <summary>Imports while the background jobs write results, refresh rollups and pack hours: no deadlock, and a lost one is retried.</summary>
public sealed class TargetImportConcurrencyTests
{
    [Fact]
    public async Task An_import_that_loses_a_deadlock_is_retried_whole_and_applies_every_target_once()
    {
        var connectionString = await TestDatabase.CreateEmptyAsync();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            // PostgreSQL checks a wait for a deadlock once, deadlock_timeout into it: the import's check must come after this
            // test closed the cycle (it polls every 20 ms, slower on a loaded machine), so 2 s; the test's own session never checks.
            await admin.ExecuteAsync($"ALTER DATABASE {name} SET deadlock_timeout = '2s'");
        }

        var db = await HealthCheckerDatabase.OpenAsync(connectionString, "unused", TestLog.Silent);
        var feed = new TargetChangeFeed();
        var published = new List<TargetChange>();
        using var subscription = feed.Subscribe(published.AddRange);
        var (log, events) = TestLog.Collecting();
        var store = new TargetStore(db.DataSource, feed, log);
        var a = await store.CreateAsync(TargetStoreTests.Define("web/a", "tcp://127.0.0.1:80"));
        var b = await store.CreateAsync(TargetStoreTests.Define("web/b", "tcp://127.0.0.1:81"));
        published.Clear();

        await using var blocker = new NpgsqlConnection(connectionString);
        await blocker.OpenAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await blocker.ExecuteAsync("SET LOCAL deadlock_timeout = '60s'", transaction: tx);
        await blocker.ExecuteAsync("SELECT 1 FROM targets WHERE id = @id FOR NO KEY UPDATE", new { id = b.Id }, tx);

        // The import locks web/a, then waits for web/b.
        var import = Task.Run(() => store.ImportAsync(
            [TargetStoreTests.Define("web/a", "tcp://127.0.0.1:8080"), TargetStoreTests.Define("web/b", "tcp://127.0.0.1:8081")], removeOthers: false));
        await WaitForLockWaitAsync(blocker, tx, import);

        // Closing the cycle: PostgreSQL aborts the import's transaction (it waited first), which frees web/a for us.
        await blocker.ExecuteAsync("SELECT 1 FROM targets WHERE id = @id FOR NO KEY UPDATE", new { id = a.Id }, tx);
        await tx.CommitAsync();

        var result = await import.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new ImportResult(Created: 0, Updated: 2, Deleted: 0), result);
        Assert.Equal([("web/a", 8080), ("web/b", 8081)], (await store.ListAsync()).Select(t => (t.FullName, t.Port)));
        Assert.Equal([new(a.Id, TargetChangeKind.Updated), new TargetChange(b.Id, TargetChangeKind.Updated)], published.OrderBy(c => c.Id));
        var retried = Assert.Single(events.Events, e => e.Level == Serilog.Events.LogEventLevel.Warning);
        Assert.StartsWith("Importing 2 targets lost to a concurrent transaction (40P01 deadlock detected); running it again", retried.RenderMessage(), StringComparison.Ordinal);
        await db.DisposeAsync();
        await blocker.CloseAsync();
        Assert.True(await DeadlocksAsync(connectionString, name) > 0, "the test closed a lock cycle, so PostgreSQL found a deadlock");
    }

    [Fact]
    public async Task Repeated_imports_against_the_result_writer_and_the_rollup_refresh_cause_no_deadlock()
    {
        var connectionString = await TestDatabase.CreateEmptyAsync();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.ExecuteAsync($"ALTER DATABASE {name} SET deadlock_timeout = '20ms'");
        }

        var db = await HealthCheckerDatabase.OpenAsync(connectionString, "unused", TestLog.Silent);
        var store = new TargetStore(db.DataSource);
        const int Targets = 300;
        var ids = new List<long>();
        foreach (var definition in File(port: 1, seed: 0))
        {
            ids.Add((await store.CreateAsync(definition)).Id);
        }

        var writer = new ResultWriter(db.DataSource, TestLog.Silent, new ResultWriterOptions { BatchSize = 500, BatchDelay = TimeSpan.FromMilliseconds(5) });
        writer.Start();
        var maintenance = new HistoryMaintenance(db.DataSource, TestLog.Silent);
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();

        // Every round is a new minute of results for every target: each refresh inserts new rollup rows, each batch locks its targets.
        var start = DateTime.UtcNow.AddDays(-2);
        var results = Task.Run(async () =>
        {
            for (var minute = 0; !stop.IsCancellationRequested; minute++)
            {
                foreach (var id in ids)
                {
                    writer.Add(new CheckResultRow(id, start.AddMinutes(minute), "L4OK", true, 1, null, null));
                }

                await writer.FlushAsync(stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        });
        var rollups = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await maintenance.RefreshRollupsAsync();
                }
                catch (PostgresException e)
                {
                    lock (failures)
                    {
                        failures.Add($"refresh: {e.SqlState} {e.MessageText}");
                    }
                }
            }
        });

        // Each import updates every target, its rows in another order than their ids.
        for (var round = 1; round <= 12; round++)
        {
            try
            {
                var result = await store.ImportAsync(File(port: 1 + round, seed: round), removeOthers: round % 4 == 0);
                Assert.Equal(Targets, result.Updated);
            }
            catch (PostgresException e)
            {
                failures.Add($"import {round}: {e.SqlState} {e.MessageText}");
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(results, rollups);
        var failedWrites = writer.FailedAttempts;
        await writer.DisposeAsync();
        await db.DisposeAsync();

        Assert.Empty(failures);
        Assert.Equal(0, failedWrites);
        Assert.Equal(0, await DeadlocksAsync(connectionString, name));

        static List<TargetDefinition> File(int port, int seed) =>
            [.. Enumerable.Range(0, Targets).OrderBy(n => (n * 7919 + seed * 104_729) % Targets)
                .Select(n => TargetStoreTests.Define($"bulk/t{n:D4}", $"tcp://127.0.0.1:{port}"))];
    }

    [Fact]
    public async Task A_replacing_import_waits_for_a_running_rollup_refresh_only_when_it_deletes_targets()
    {
        await using var db = await HealthCheckerDatabase.OpenAsync(await TestDatabase.CreateEmptyAsync(), "unused", TestLog.Silent);
        var store = new TargetStore(db.DataSource);
        List<TargetDefinition> file = [TargetStoreTests.Define("web/a", "tcp://127.0.0.1:80"), TargetStoreTests.Define("web/b", "tcp://127.0.0.1:81")];
        await store.ImportAsync(file, removeOthers: false);

        // A refresh in progress holds its lock until it commits.
        await using var refresh = await db.DataSource.OpenConnectionAsync();
        await using var tx = await refresh.BeginTransactionAsync();
        await refresh.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtext('hc_refresh_rollups'))", transaction: tx);

        var nothingToDelete = await store.ImportAsync(file, removeOthers: true).WaitAsync(TimeSpan.FromSeconds(30));
        var deleting = Task.Run(() => store.ImportAsync(file[..1], removeOthers: true));
        await WaitForLockWaitAsync(refresh, tx, deleting);
        await tx.CommitAsync();

        Assert.Equal(new ImportResult(0, 0, 0, Unchanged: 2), nothingToDelete);
        Assert.Equal(new ImportResult(0, 0, 1, Unchanged: 1), await deleting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>The deadlocks PostgreSQL counted in a fresh database, once every other session of it has ended (a session reports its counts at the latest when it ends).</summary>
    private static async Task<long> DeadlocksAsync(string connectionString, string database)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        for (var i = 0; i < 600 && await conn.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = @database AND pid <> pg_backend_pid()", new { database }) > 0; i++)
        {
            await Task.Delay(50);
        }

        await conn.ExecuteAsync("SELECT pg_stat_clear_snapshot()");
        return await conn.ExecuteScalarAsync<long>("SELECT deadlocks FROM pg_stat_database WHERE datname = @database", new { database });
    }

    /// <summary>Returns once another session of this database waits for a lock (the import), or fails when the import ended first.</summary>
    private static async Task WaitForLockWaitAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Task import)
    {
        for (var i = 0; i < 600; i++)
        {
            if (import.IsCompleted)
            {
                await import;
                Assert.Fail("The import ended before waiting for the locked target.");
            }

            // The activity view is read once per transaction unless its snapshot is cleared.
            await conn.ExecuteAsync("SELECT pg_stat_clear_snapshot()", transaction: tx);
            if (await conn.ExecuteScalarAsync<bool>("""
                SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                               WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock')
                """, transaction: tx))
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail("The import never waited for the locked target.");
    }
}
