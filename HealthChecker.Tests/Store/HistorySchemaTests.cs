using Dapper;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using Npgsql;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Store;

public class HistorySchemaTests
{
    [Fact]
    public async Task Daily_partitions_exist_ahead_of_time_and_results_land_in_them()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var today = DateOnly.FromDateTime(await ScalarAsync<DateTime>(db, "SELECT (now() AT TIME ZONE 'UTC')::date"));
        var target = await AddTargetAsync(db, "a");

        var days = await new HistoryMaintenance(db, TestLog.Silent).ListPartitionDaysAsync();
        await ExecuteAsync(db, "INSERT INTO check_results VALUES (@target, now(), 'L4OK', true, 1, NULL, NULL)", new { target });

        Assert.Equal(Enumerable.Range(0, 8).Select(today.AddDays), days);
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results_default"));
        Assert.Equal(0, await new HistoryMaintenance(db, TestLog.Silent).EnsurePartitionsAsync());
    }

    [Fact]
    public async Task Retention_drops_whole_partitions_and_keeps_the_rest()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var maintenance = new HistoryMaintenance(db, TestLog.Silent);
        var today = DateOnly.FromDateTime(await ScalarAsync<DateTime>(db, "SELECT (now() AT TIME ZONE 'UTC')::date"));
        var target = await AddTargetAsync(db, "a");
        Assert.Equal(40, await maintenance.EnsurePartitionsAsync(daysAhead: 40, firstDay: today.AddDays(-40)));
        foreach (var daysAgo in new[] { 35, 31, 30, 29, 1, 0 })
        {
            await ExecuteAsync(db, "INSERT INTO check_results VALUES (@target, @at, 'L4OK', true, 1, NULL, NULL), (@target, @at, 'L4OK', true, 2, NULL, NULL)",
                new { target, at = today.AddDays(-daysAgo).ToDateTime(new TimeOnly(0, 0, 1), DateTimeKind.Utc) });
        }

        await maintenance.RefreshRollupsAsync();
        await ExecuteAsync(db, "INSERT INTO state_changes (target_id, at, from_state, to_state) VALUES (@target, now() - interval '90 days', 'UNKNOWN', 'UP')", new { target });

        var dropped = await maintenance.ApplyRetentionAsync();

        // Days 40 to 31 ago ended more than 30 days ago; the day 30 days ago ends less than 30 days ago.
        Assert.Equal(Enumerable.Range(31, 10).Select(d => "check_results_" + today.AddDays(-d).ToString("yyyyMMdd", null)).Order(), dropped.Order());
        Assert.Equal(Enumerable.Range(-30, 30 + 8).Select(today.AddDays), await maintenance.ListPartitionDaysAsync());
        Assert.Equal(8L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"));
        // The rows of the day 30 days ago survive with their partition.
        Assert.Equal(2L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results WHERE checked_at < @day",
            new { day = today.AddDays(-29).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) }));
        Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM state_changes"));
        // Counted before the retention, the dropped days stay in the rollups.
        Assert.Equal(12L, await ScalarAsync<long>(db, "SELECT sum(checks) FROM rollup_minute"));
        Assert.Empty(await maintenance.ApplyRetentionAsync());
    }

    [Fact]
    public async Task A_partition_is_created_for_a_day_the_default_partition_already_holds_rows_of()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var maintenance = new HistoryMaintenance(db, TestLog.Silent);
        var target = await AddTargetAsync(db, "a");
        await ExecuteAsync(db, """
            INSERT INTO check_results VALUES
                (@target, '2026-01-10 23:59:59Z', 'L4OK', true, 1, NULL, NULL),
                (@target, '2026-01-11 00:00:00Z', 'L4OK', true, 1, NULL, NULL),
                (@target, '2026-01-11 12:00:00Z', 'L4OK', true, 1, NULL, NULL),
                (@target, '2026-01-12 00:00:00Z', 'L4OK', true, 1, NULL, NULL)
            """, new { target });

        Assert.Equal(1, await maintenance.EnsurePartitionsAsync(daysAhead: 0, firstDay: new DateOnly(2026, 1, 11)));

        Assert.Equal(2L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results_20260111"));
        Assert.Equal(2L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results_default"));
        Assert.Equal(4L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"));
        // Both indexes of check_results: (target_id, checked_at DESC) covering and BRIN (checked_at).
        Assert.Equal(2L, await ScalarAsync<long>(db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'check_results_20260111'"));
        await ExecuteAsync(db, "INSERT INTO check_results VALUES (@target, '2026-01-11 13:00:00Z', 'L4OK', true, 1, NULL, NULL)", new { target });
        Assert.Equal(3L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results_20260111"));
    }

    [Fact]
    public async Task State_intervals_and_daily_availability_are_exact_across_midnight_a_monitor_outage_and_a_pause()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "web", "http");
        await InsertConstructedHistoryAsync(db, target);

        await using var conn = await db.OpenConnectionAsync();
        // A session time zone far from UTC must not move the day boundaries.
        await conn.ExecuteAsync("SET TIME ZONE 'America/New_York'");
        var intervals = (await conn.QueryAsync<(string State, DateTime Start, DateTime End, double Seconds, bool Ongoing, bool MonitorDown)>(
            "SELECT state, started_at, ended_at, seconds, ongoing, monitor_down FROM state_intervals WHERE target_id = @target ORDER BY started_at",
            new { target })).ToList();
        var days = (await conn.QueryAsync<(DateTime Day, double Up, double Down, double Maint, double Unknown, decimal? UptimePct)>(
            "SELECT day, up_seconds, down_seconds, maint_seconds, unknown_seconds, uptime_pct FROM availability_daily WHERE target_id = @target AND day <= '2026-01-03' ORDER BY day",
            new { target })).ToList();

        Assert.Equal(7, intervals.Count);
        Assert.Equal(
            [
                ("UP", At("2026-01-01 22:00"), At("2026-01-01 23:00"), 3600.0, false, false),
                ("DOWN", At("2026-01-01 23:00"), At("2026-01-02 00:30"), 5400.0, false, false),
                ("UP", At("2026-01-02 00:30"), At("2026-01-02 01:00"), 1800.0, false, false),
                ("UNKNOWN", At("2026-01-02 01:00"), At("2026-01-02 01:30"), 1800.0, false, true),   // UP, but nobody watched
                ("MAINT", At("2026-01-02 01:30"), At("2026-01-02 03:00"), 5400.0, false, false),    // paused across the outage
                ("UP", At("2026-01-02 03:00"), At("2026-01-02 06:00"), 10800.0, false, false),
            ],
            intervals.Take(6).Select(i => (i.State, i.Start.ToUniversalTime(), i.End.ToUniversalTime(), i.Seconds, i.Ongoing, i.MonitorDown)));
        var last = intervals[6];
        Assert.Equal(("UNKNOWN", At("2026-01-02 06:00"), true, true), (last.State, last.Start.ToUniversalTime(), last.Ongoing, last.MonitorDown));

        Assert.Equal(
            [
                (new DateTime(2026, 1, 1), 3600.0, 3600.0, 0.0, 0.0, (decimal?)50.000m),
                (new DateTime(2026, 1, 2), 12600.0, 1800.0, 5400.0, 66600.0, (decimal?)87.500m),
                (new DateTime(2026, 1, 3), 0.0, 0.0, 0.0, 86400.0, (decimal?)null),
            ],
            days);
    }

    [Fact]
    public async Task Rollups_count_checks_and_seconds_in_the_refresh_incrementally()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var maintenance = new HistoryMaintenance(db, TestLog.Silent);
        var target = await AddTargetAsync(db, "a");
        var h0 = await ScalarAsync<DateTime>(db, "SELECT date_trunc('hour', now(), 'UTC') - interval '15 hours'");
        await ExecuteAsync(db, """
            INSERT INTO monitor_runs (started_at, last_beat_at, stopped_at) VALUES (@h0, @h0 + interval '2 hours', @h0 + interval '2 hours');
            INSERT INTO state_changes (target_id, at, from_state, to_state) VALUES
                (@target, @h0, 'UNKNOWN', 'UP'),
                (@target, @h0 + interval '30 minutes', 'UP', 'DOWN'),
                (@target, @h0 + interval '45 minutes', 'DOWN', 'UP');
            INSERT INTO check_results VALUES
                (@target, @h0 + interval '1 minute', 'L4OK', true, 10, NULL, NULL),
                (@target, @h0 + interval '31 minutes', 'L4CON', false, 30, NULL, 'refused');
            INSERT INTO check_results VALUES (@target, @h0 + interval '50 minutes', 'L4OK', true, 20, NULL, NULL);
            """, new { target, h0 });

        // Fifteen hours and some minutes of history: three steps of at most six hours.
        Assert.Equal(3, await maintenance.RefreshRollupsAsync());

        Assert.Equal(
            [
                (h0, 3, 2, 1, 60L, 30, 2700.0, 900.0, 0.0),
                (h0.AddHours(1), 0, 0, 0, 0L, (int?)null, 3600.0, 0.0, 0.0),
                (h0.AddHours(2), 0, 0, 0, 0L, (int?)null, 0.0, 0.0, 3600.0),   // monitor stopped
            ],
            await HoursAsync(db, target, h0));
        Assert.Equal(60.0, await ScalarAsync<double>(db, "SELECT down_seconds FROM rollup_minute WHERE bucket = @m", new { m = h0.AddMinutes(31) }));
        Assert.Equal((6300.0, 900.0), (await ScalarAsync<double>(db, "SELECT sum(up_seconds) FROM rollup_day"), await ScalarAsync<double>(db, "SELECT sum(down_seconds) FROM rollup_day")));

        // A state change written late reopens the buckets it falls in.
        await ExecuteAsync(db, "INSERT INTO state_changes (target_id, at, from_state, to_state) VALUES (@target, @at, 'UP', 'DOWN')",
            new { target, at = h0.AddMinutes(90) });
        await maintenance.RefreshRollupsAsync();

        var hours = await HoursAsync(db, target, h0);
        Assert.Equal((1800.0, 1800.0), (hours[1].Up, hours[1].Down));
        Assert.Equal((2700.0, 900.0), (hours[0].Up, hours[0].Down));
    }

    [Fact]
    public async Task Results_written_late_are_counted_by_the_next_refresh_and_never_twice()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var maintenance = new HistoryMaintenance(db, TestLog.Silent);
        var target = await AddTargetAsync(db, "a");
        var h0 = await ScalarAsync<DateTime>(db, "SELECT date_trunc('hour', now(), 'UTC') - interval '3 hours'");
        const string Insert = """
            INSERT INTO check_results (target_id, checked_at, status, passed, duration_ms)
            SELECT @target, @from + n * interval '1 second', 'L4OK', n % 10 <> 0, n % 7 FROM generate_series(0, @n - 1) AS n
            """;
        await ExecuteAsync(db, Insert, new { target, from = h0, n = 600 });
        await maintenance.RefreshRollupsAsync();
        Assert.Equal((600L, 60L), await CountsAsync());

        // Nothing new: a refresh changes no count.
        await maintenance.RefreshRollupsAsync();
        Assert.Equal((600L, 60L), await CountsAsync());

        // Results of the same minutes written later (a writer catching up after an outage) are added to them.
        await ExecuteAsync(db, Insert, new { target, from = h0.AddMilliseconds(500), n = 120 });
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM rollup_pending WHERE checked_from < @h0", new { h0 }));
        Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM rollup_pending"));
        await maintenance.RefreshRollupsAsync();
        Assert.Equal((720L, 72L), await CountsAsync());
        Assert.Equal(2L, await ScalarAsync<long>(db, "SELECT checks FROM rollup_minute WHERE target_id = @target AND bucket = @h0 + interval '1 minute'", new { target, h0 }) / 60);
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM rollup_pending"));

        async Task<(long Checks, long Failed)> CountsAsync() =>
            (await ScalarAsync<long>(db, "SELECT sum(checks) FROM rollup_day WHERE target_id = @target", new { target }),
             await ScalarAsync<long>(db, "SELECT sum(failed) FROM rollup_hour WHERE target_id = @target", new { target }));
    }

    [Fact]
    public async Task Deleting_a_target_deletes_its_results_and_rollups()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var maintenance = new HistoryMaintenance(db, TestLog.Silent);
        var gone = await AddTargetAsync(db, "gone");
        var kept = await AddTargetAsync(db, "kept");
        await ExecuteAsync(db, """
            INSERT INTO check_results (target_id, checked_at, status, passed, duration_ms)
            SELECT t, now() - n * interval '1 second', 'L4OK', true, 1 FROM unnest(ARRAY[@gone, @kept]) AS t, generate_series(1, 100) AS n
            """, new { gone, kept });
        await maintenance.RefreshRollupsAsync();

        await ExecuteAsync(db, "DELETE FROM targets WHERE id = @gone", new { gone });

        Assert.Equal($"{kept}:100", await ScalarAsync<string>(db, "SELECT string_agg(target_id || ':' || n, ',') FROM (SELECT target_id, count(*) AS n FROM check_results GROUP BY 1) s"));
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM rollup_minute WHERE target_id = @gone", new { gone }));
        Assert.Equal(100L, await ScalarAsync<long>(db, "SELECT sum(checks) FROM rollup_day WHERE target_id = @kept", new { kept }));
    }

    [Fact]
    public async Task The_heartbeat_records_start_beats_and_stop()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var heartbeat = new MonitorHeartbeat(db, TimeSpan.FromSeconds(30));

        var id = await heartbeat.StartAsync();
        Assert.Equal("running", await ScalarAsync<string>(db, "SELECT run_state FROM monitor_coverage WHERE run_id = @id", new { id }));
        await heartbeat.BeatAsync();
        await heartbeat.StopAsync();

        Assert.Equal("stopped", await ScalarAsync<string>(db, "SELECT run_state FROM monitor_coverage WHERE run_id = @id", new { id }));
        Assert.True(await ScalarAsync<bool>(db, "SELECT stopped_at >= started_at AND beat_every = interval '30 seconds' FROM monitor_runs WHERE id = @id", new { id }));

        // A run that stopped beating without a stop covers up to its last beat only.
        await ExecuteAsync(db, "INSERT INTO monitor_runs (started_at, last_beat_at) VALUES (now() - interval '1 hour', now() - interval '50 minutes')");
        Assert.Equal("lost", await ScalarAsync<string>(db, "SELECT run_state FROM monitor_coverage WHERE stopped_at IS NULL"));
        Assert.Equal(600.0, await ScalarAsync<double>(db,
            "SELECT extract(epoch FROM upper(covered) - lower(covered))::float8 FROM monitor_coverage WHERE stopped_at IS NULL"));
    }

    /// <summary>
    /// The monitor ran from 2026-01-01 22:00 to 01:00 and from 02:00 to 06:00 (UTC). The target went
    /// UP, DOWN across midnight, UP, was paused during the outage and resumed.
    /// </summary>
    internal static Task InsertConstructedHistoryAsync(NpgsqlDataSource db, long target) => ExecuteAsync(db, """
        INSERT INTO monitor_runs (started_at, last_beat_at, stopped_at) VALUES
            ('2026-01-01 22:00Z', '2026-01-02 01:00Z', '2026-01-02 01:00Z'),
            ('2026-01-02 02:00Z', '2026-01-02 06:00Z', '2026-01-02 06:00Z');
        INSERT INTO state_changes (target_id, at, from_state, to_state, status, info) VALUES
            (@target, '2026-01-01 22:00Z', 'UNKNOWN', 'UP', 'L7OK', NULL),
            (@target, '2026-01-01 23:00Z', 'UP', 'DOWN', 'L4CON', 'Connection refused'),
            (@target, '2026-01-02 00:30Z', 'DOWN', 'UP', 'L7OK', NULL),
            (@target, '2026-01-02 01:30Z', 'UP', 'MAINT', NULL, 'paused'),
            (@target, '2026-01-02 03:00Z', 'MAINT', 'UP', 'L7OK', NULL);
        """, new { target });

    private static DateTime At(string utc) => DateTime.SpecifyKind(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private static async Task<List<(DateTime Bucket, int Checks, int Passed, int Failed, long Sum, int? Max, double Up, double Down, double Unknown)>> HoursAsync(
        NpgsqlDataSource db, long target, DateTime h0)
    {
        await using var conn = await db.OpenConnectionAsync();
        return (await conn.QueryAsync<(DateTime, int, int, int, long, int?, double, double, double)>("""
            SELECT bucket, checks, passed, failed, duration_ms_sum, duration_ms_max, up_seconds, down_seconds, unknown_seconds
            FROM rollup_hour WHERE target_id = @target AND bucket >= @h0 AND bucket < @h0 + interval '3 hours' ORDER BY bucket
            """, new { target, h0 })).ToList();
    }
}
