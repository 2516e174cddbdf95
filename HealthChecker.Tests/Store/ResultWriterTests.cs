using System.Net;
using System.Net.Sockets;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using Npgsql;
using static HealthChecker.Tests.Support.HistoryRows;
using HealthChecker.Testing;

namespace HealthChecker.Tests.Store;

public class ResultWriterTests
{
    private static readonly ResultWriterOptions QuickRetry = new()
    {
        RetryMinDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Every_result_and_state_change_is_written_exactly_once()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        long[] targets = [await AddTargetAsync(db, "a"), await AddTargetAsync(db, "b"), await AddTargetAsync(db, "c")];
        await using var writer = new ResultWriter(db, TestLog.Silent, new ResultWriterOptions { BatchSize = 700 });
        writer.Start();

        // Two producers at once, as engine threads would be.
        var producers = targets.Take(2).Select(t => Task.Run(() =>
        {
            for (var n = 0; n < 5_000; n++)
            {
                writer.Add(Result(t, n, passed: n % 7 != 0));
            }
        })).ToList();
        writer.Add(Result(targets[2], 1));
        // Recent state changes: the refresh below turns state into seconds per minute from the first
        // change up to now, which from months back would be hundreds of thousands of minutes.
        var changedAt = DateTime.UtcNow.AddMinutes(-10);
        writer.Add(new StateChangeRow(targets[2], changedAt, "UNKNOWN", "UP", "L4OK", null, 3));
        writer.Add(new StateChangeRow(targets[2], changedAt.AddSeconds(5), "UP", "DOWN", "L4CON", "Connection refused", 1));
        await Task.WhenAll(producers);
        await writer.FlushAsync();

        Assert.Equal(10_001, writer.Written);
        Assert.Equal(2, writer.WrittenStateChanges);
        Assert.Equal((0, 0, 0), (writer.Dropped, writer.Skipped, writer.Buffered));
        Assert.Equal(10_001L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"));
        Assert.Equal(10_001L, await ScalarAsync<long>(db, "SELECT count(DISTINCT (target_id, checked_at)) FROM check_results"));
        Assert.Equal(2 * 715L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results WHERE NOT passed AND info LIKE 'refused #%'"));
        Assert.Equal("UP>DOWN:Connection refused", await ScalarAsync<string>(db,
            "SELECT string_agg(to_state, '>' ORDER BY at) || ':' || max(info) FROM state_changes"));
        // Counted once in the rollups too, by the refresh the app runs every minute.
        await new HistoryMaintenance(db, TestLog.Silent).RefreshRollupsAsync();
        Assert.Equal(10_001L, await ScalarAsync<long>(db, "SELECT sum(checks) FROM rollup_day"));
    }

    [Fact]
    public async Task Shutdown_writes_what_is_still_buffered()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "a");
        var writer = new ResultWriter(db, TestLog.Silent, new ResultWriterOptions { BatchDelay = TimeSpan.FromHours(1), BatchSize = 100_000 });
        writer.Start();
        for (var n = 0; n < 2_500; n++)
        {
            writer.Add(Result(target, n));
        }

        await writer.DisposeAsync();

        Assert.Equal(2_500L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"));

        // Too late to be written: counted, not silently kept.
        writer.Add(Result(target, 9_999));
        Assert.Equal((2_500, 1), (writer.Written, writer.Dropped));
    }

    [Fact]
    public async Task Results_buffered_while_PostgreSQL_is_stopped_are_written_once_when_it_returns()
    {
        var root = TempFolder.Create("hc-outage");
        var port = LoopbackPorts.Free();
        var cluster = await LocalCluster.StartAsync(root, TestLog.Silent, port: port);
        try
        {
            await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Timeout = 5 }.ConnectionString);
            await MigrationRunner.ApplyAsync(db, MigrationRunner.DefaultDirectory, TestLog.Silent);
            var target = await AddTargetAsync(db, "a");
            var (log, sink) = TestLog.Collecting();
            await using var writer = new ResultWriter(db, log, QuickRetry);
            writer.Start();

            for (var n = 0; n < 3_000; n++)
            {
                writer.Add(Result(target, n));
            }

            await writer.FlushAsync();
            Assert.Equal(3_000, writer.Written);

            await cluster.DisposeAsync();
            for (var n = 3_000; n < 6_000; n++)
            {
                writer.Add(Result(target, n));
            }

            writer.Add(new StateChangeRow(target, Base.AddSeconds(4), "UP", "DOWN", "L4CON", "while away", null));
            await EventuallyAsync(() => writer.FailedAttempts >= 3, "failed writes while PostgreSQL is stopped");
            Assert.True(writer.DatabaseUnreachable);
            Assert.Equal(3_000, writer.Written);

            // Same folder, same port: the same data source reaches it again.
            cluster = await LocalCluster.StartAsync(root, TestLog.Silent, port: port);
            for (var n = 6_000; n < 7_000; n++)
            {
                writer.Add(Result(target, n));
            }

            await writer.FlushAsync().WaitAsync(TimeSpan.FromMinutes(2));

            Assert.Equal((7_000, 0, 1), (writer.Written, writer.Dropped, writer.WrittenStateChanges));
            Assert.False(writer.DatabaseUnreachable);
            Assert.Equal(7_000L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"));
            Assert.Equal(7_000L, await ScalarAsync<long>(db, "SELECT count(DISTINCT checked_at) FROM check_results"));
            Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM state_changes WHERE info = 'while away'"));
            Assert.Contains(sink.Events, e => e.MessageTemplate.Text.StartsWith("Writing check results failed", StringComparison.Ordinal));
            Assert.Contains(sink.Events, e => e.MessageTemplate.Text.StartsWith("PostgreSQL is reachable again", StringComparison.Ordinal));
        }
        finally
        {
            await cluster.DisposeAsync();
            TempFolder.Delete(root);
        }
    }

    [Fact]
    public async Task A_full_buffer_drops_the_oldest_counts_and_logs_them_and_keeps_the_newest()
    {
        var root = TempFolder.Create("hc-overflow");
        var port = LoopbackPorts.Free();
        var cluster = await LocalCluster.StartAsync(root, TestLog.Silent, port: port);
        try
        {
            await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Timeout = 5 }.ConnectionString);
            await MigrationRunner.ApplyAsync(db, MigrationRunner.DefaultDirectory, TestLog.Silent);
            var target = await AddTargetAsync(db, "a");
            await cluster.DisposeAsync();

            var (log, sink) = TestLog.Collecting();
            await using var writer = new ResultWriter(db, log, QuickRetry with { Capacity = 10 });
            writer.Start();
            for (var n = 0; n < 25; n++)
            {
                writer.Add(Result(target, n));
            }

            // Two more failed attempts after the last add: any batch taken earlier is back in the buffer.
            var failed = writer.FailedAttempts;
            await EventuallyAsync(() => writer.FailedAttempts >= failed + 2, "failed writes while PostgreSQL is stopped");
            Assert.Equal(15, writer.Dropped);

            cluster = await LocalCluster.StartAsync(root, TestLog.Silent, port: port);
            await writer.FlushAsync().WaitAsync(TimeSpan.FromMinutes(2));

            Assert.Equal((10, 15), (writer.Written, writer.Dropped));
            Assert.Equal(Enumerable.Range(15, 10).Select(n => Base.AddMilliseconds(n)).ToList(),
                (await QueryTimesAsync(db)).ToList());
            Assert.Contains(sink.Events, e => e.MessageTemplate.Text.StartsWith("The result buffer is full", StringComparison.Ordinal)
                && e.Properties["Total"].ToString() == "15");
        }
        finally
        {
            await cluster.DisposeAsync();
            TempFolder.Delete(root);
        }
    }

    [Fact]
    public async Task Results_of_a_deleted_target_are_skipped_and_counted_without_orphans()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var kept = await AddTargetAsync(db, "kept");
        var gone = await AddTargetAsync(db, "gone");
        var (log, sink) = TestLog.Collecting();
        await using var writer = new ResultWriter(db, log);
        writer.Start();
        writer.Add(Result(gone, 0));
        await writer.FlushAsync();

        await ExecuteAsync(db, "DELETE FROM targets WHERE id = @gone", new { gone });
        for (var n = 1; n <= 300; n++)
        {
            writer.Add(Result(n % 3 == 0 ? gone : kept, n));
        }

        writer.Add(new StateChangeRow(gone, Base, "UP", "DOWN", "L4CON", null, null));
        writer.Add(new StateChangeRow(kept, Base, "UP", "DOWN", "L4CON", null, null));
        await writer.FlushAsync();

        Assert.Equal((201, 100, 1, 1), (writer.Written, writer.Skipped, writer.WrittenStateChanges, writer.SkippedStateChanges));
        Assert.Equal(200L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"));
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results WHERE target_id = @gone", new { gone }));
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM state_changes WHERE target_id = @gone", new { gone }));
        Assert.Contains(sink.Events, e => e.MessageTemplate.Text.StartsWith("Skipped", StringComparison.Ordinal));

        // The writer goes on.
        writer.Add(Result(kept, 1_000));
        await writer.FlushAsync();
        Assert.Equal(201L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"));
    }

    [Fact]
    public async Task Rows_left_when_shutdown_gives_up_on_an_unreachable_server_are_logged_with_their_count()
    {
        await using var db = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={LoopbackPorts.Free()};Username=hc;Database=hc;Timeout=2");
        var (log, sink) = TestLog.Collecting();
        var writer = new ResultWriter(db, log, QuickRetry);
        writer.Start();
        for (var n = 0; n < 5; n++)
        {
            writer.Add(Result(1, n));
        }

        writer.Add(new StateChangeRow(1, Base, "UP", "DOWN", null, null, null));
        await EventuallyAsync(() => writer.FailedAttempts >= 1, "a failed write");
        using var giveUp = new CancellationTokenSource();
        await giveUp.CancelAsync();
        await writer.StopAsync(giveUp.Token);

        var lost = Assert.Single(sink.Events, e => e.Level == Serilog.Events.LogEventLevel.Error);
        Assert.Equal(("5", "1"), (lost.Properties["Results"].ToString(), lost.Properties["Changes"].ToString()));
        Assert.Equal(0, writer.Written);
        await writer.DisposeAsync();
    }

    [Fact]
    public void Invalid_rows_are_refused_when_added()
    {
        var writer = new ResultWriter(NpgsqlDataSource.Create("Host=unused"), TestLog.Silent);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Add(Result(1, 1) with { DurationMs = -1 }));
        Assert.Throws<ArgumentException>(() => writer.Add(new StateChangeRow(1, Base, "UP", "SIDEWAYS", null, null, null)));
        Assert.Equal(0, writer.Buffered);
    }

    [Fact]
    public void The_buffer_returns_a_failed_batch_to_the_front_and_drops_the_oldest_beyond_capacity()
    {
        var queue = new DropOldestQueue<int>(5);
        for (var i = 1; i <= 4; i++)
        {
            queue.Enqueue(i);
        }

        var batch = new List<int>();
        queue.TakeFront(batch, 3);
        queue.Enqueue(5);
        queue.Enqueue(6);
        queue.Enqueue(7);

        Assert.Equal(2, queue.ReturnFront(batch));
        var all = new List<int>();
        queue.TakeFront(all, 10);
        Assert.Equal([3, 4, 5, 6, 7], all);
    }

    private static async Task<IEnumerable<DateTime>> QueryTimesAsync(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await Dapper.SqlMapper.QueryAsync<DateTime>(conn, "SELECT checked_at FROM check_results ORDER BY checked_at");
    }
}
