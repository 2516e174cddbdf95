using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using Npgsql;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Store;

public class HistoryStoreTests
{
    [Fact]
    public async Task Reads_results_intervals_and_daily_availability_of_the_views()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "web", "http");
        var other = await AddTargetAsync(db, "other");
        await HistorySchemaTests.InsertConstructedHistoryAsync(db, target);
        await ExecuteAsync(db, """
            INSERT INTO check_results VALUES
                (@target, '2026-01-01 22:00:05Z', 'L7OK', true, 12, 200, NULL),
                (@target, '2026-01-01 23:00:05Z', 'L4CON', false, 1, NULL, 'Connection refused'),
                (@other, '2026-01-01 23:00:05Z', 'L4OK', true, 1, NULL, NULL)
            """, new { target, other });
        var store = new HistoryStore(db);

        var results = await store.RecentResultsAsync(target, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var intervals = await store.StateIntervalsAsync(target, new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 1, 2, 2, 0, 0, DateTimeKind.Utc));
        var days = await store.AvailabilityDailyAsync(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 2));

        Assert.Equal([("L4CON", (short?)null, "Connection refused"), ("L7OK", (short?)200, null)], results.Select(r => (r.Status, r.HttpCode, r.Info)));
        Assert.Equal("web", results[0].TargetName);
        Assert.Equal(["DOWN", "UP", "UNKNOWN", "MAINT"], intervals.Select(i => i.State));
        Assert.Equal([(new DateTime(2026, 1, 1), 50.000m), (new DateTime(2026, 1, 2), 87.500m)], days.Select(d => (d.Day, d.UptimePct!.Value)));
    }
}

public class HistoryStoreReadTests
{
    private static DateTime At(string utc) =>
        DateTime.SpecifyKind(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    [Fact]
    public async Task Uptime_per_window_leaves_maintenance_and_unknown_time_out_of_the_denominator()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "web");
        await HistorySchemaTests.InsertConstructedHistoryAsync(db, target);
        var store = new HistoryStore(db);

        // Up to 06:00 on 2 January: UP 1h, DOWN 1.5h, UP 0.5h, UNKNOWN 0.5h (no monitor), MAINT 1.5h, UP 3h.
        var uptime = await store.UptimeAsync(target, At("2026-01-02 06:00"), [TimeSpan.FromHours(3), TimeSpan.FromHours(24), TimeSpan.FromHours(6)]);

        Assert.Equal([TimeSpan.FromHours(3), TimeSpan.FromHours(24), TimeSpan.FromHours(6)], uptime.Select(u => u.Window));
        Assert.Equal((10800.0, 0.0, 0.0, 0.0, (decimal?)100.000m), Tuple(uptime[0]));
        // 24 h reach back before the first change: that time is simply not in any period.
        Assert.Equal((16200.0, 5400.0, 5400.0, 1800.0, (decimal?)75.000m), Tuple(uptime[1]));
        // From 00:00: DOWN 0.5h, UP 0.5h, UNKNOWN 0.5h, MAINT 1.5h, UP 3h.
        Assert.Equal((12600.0, 1800.0, 5400.0, 1800.0, (decimal?)87.500m), Tuple(uptime[2]));
    }

    [Fact]
    public async Task Uptime_without_history_has_no_percentage()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "web");

        var uptime = await new HistoryStore(db).UptimeAsync(target, DateTime.UtcNow, [TimeSpan.FromDays(1)]);

        Assert.Equal((0.0, 0.0, 0.0, 0.0, (decimal?)null), Tuple(Assert.Single(uptime)));
    }

    [Fact]
    public async Task Result_points_come_newest_first_within_the_range_from_the_index_alone()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "web");
        var other = await AddTargetAsync(db, "other");
        await ExecuteAsync(db, """
            INSERT INTO check_results VALUES
                (@target, '2026-01-01 09:59:59Z', 'L7OK', true, 1, 200, 'before'),
                (@target, '2026-01-01 10:00:00Z', 'L7OK', true, 12, 200, 'OK'),
                (@target, '2026-01-01 10:00:01Z', 'L4CON', false, 0, NULL, 'Connection refused'),
                (@other, '2026-01-01 10:00:02Z', 'L4OK', true, 3, NULL, NULL),
                (@target, '2026-01-01 10:00:02Z', 'L7STS', false, 5, 503, 'HTTP status 503'),
                (@target, '2026-01-01 10:00:03Z', 'L7OK', true, 1, 200, 'at the end')
            """, new { target, other });
        await ExecuteAsync(db, "VACUUM (ANALYZE) check_results");
        var store = new HistoryStore(db);

        var points = await store.ResultPointsAsync(target, At("2026-01-01 10:00"), At("2026-01-01 10:00:03"));

        Assert.Equal(
            [
                new ResultPoint(At("2026-01-01 10:00:02"), false, 5),
                new ResultPoint(At("2026-01-01 10:00:01"), false, 0),
                new ResultPoint(At("2026-01-01 10:00:00"), true, 12),
            ],
            points.Select(p => p with { CheckedAt = p.CheckedAt.ToUniversalTime() }));

        // The covering index answers it alone: once vacuumed, no heap page is read. (On six rows the planner
        // would rather scan the table; with a day of results it picks this plan: docs/benchmarks.md.)
        await using var conn = await db.OpenConnectionAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off; SET enable_bitmapscan = off", conn))
        {
            await off.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + HistoryStore.RawPointsSql, conn);
        explain.Parameters.Add(new NpgsqlParameter { Value = target });
        explain.Parameters.Add(new NpgsqlParameter { Value = At("2026-01-01 10:00") });
        explain.Parameters.Add(new NpgsqlParameter { Value = At("2026-01-01 10:00:03") });
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.Contains(plan, line => line.Contains("Index Only Scan", StringComparison.Ordinal));
        Assert.All(plan.Where(line => line.Contains("Heap Fetches", StringComparison.Ordinal)), line => Assert.EndsWith("Heap Fetches: 0", line));
    }

    [Fact]
    public async Task Rollups_are_read_per_grain_within_the_range()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "web");
        await ExecuteAsync(db, """
            INSERT INTO check_results VALUES
                (@target, '2026-01-01 10:00:05Z', 'L4OK', true, 10, NULL, NULL),
                (@target, '2026-01-01 10:00:25Z', 'L4CON', false, 30, NULL, 'Connection refused'),
                (@target, '2026-01-01 10:01:05Z', 'L4OK', true, 5, NULL, NULL),
                (@target, '2026-01-01 11:30:00Z', 'L4OK', true, 7, NULL, NULL)
            """, new { target });
        // Counts reach the rollups with the refresh the app runs every minute.
        await new HistoryMaintenance(db, TestLog.Silent).RefreshRollupsAsync();
        var store = new HistoryStore(db);

        var minutes = await store.RollupsAsync(target, RollupGrain.Minute, At("2026-01-01 10:00"), At("2026-01-01 11:00"));
        var hours = await store.RollupsAsync(target, RollupGrain.Hour, At("2026-01-01 00:00"), At("2026-01-02 00:00"));

        Assert.Equal(
            [(At("2026-01-01 10:00"), 2, 1, 1, 20.0, (int?)30), (At("2026-01-01 10:01"), 1, 1, 0, 5.0, (int?)5)],
            minutes.Select(m => (m.Bucket.ToUniversalTime(), m.Checks, m.Passed, m.Failed, m.DurationMsMean!.Value, m.DurationMsMax)));
        Assert.Equal([(At("2026-01-01 10:00"), 3), (At("2026-01-01 11:00"), 1)], hours.Select(h => (h.Bucket.ToUniversalTime(), h.Checks)));
    }

    [Fact]
    public async Task State_changes_are_newest_first_filtered_and_paged_by_keyset()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var web = await AddTargetAsync(db, "web");
        var db1 = await AddTargetAsync(db, "db_1");
        await ExecuteAsync(db, "UPDATE targets SET group_name = 'store' WHERE id = @db1", new { db1 });
        // 60 changes for web (alternating DOWN/UP), 5 for store/db_1, all at distinct minutes; two share one instant.
        await ExecuteAsync(db, """
            INSERT INTO state_changes (target_id, at, from_state, to_state, status, info)
            SELECT @web, '2026-01-01 00:00Z'::timestamptz + n * interval '1 minute',
                   CASE WHEN n % 2 = 0 THEN 'UP' ELSE 'DOWN' END, CASE WHEN n % 2 = 0 THEN 'DOWN' ELSE 'UP' END,
                   CASE WHEN n % 2 = 0 THEN 'L4CON' ELSE 'L4OK' END, CASE WHEN n % 2 = 0 THEN 'Connection refused #' || n END
            FROM generate_series(1, 60) AS n;
            INSERT INTO state_changes (target_id, at, from_state, to_state, status, info)
            SELECT @db1, '2026-01-01 00:00Z'::timestamptz + n * interval '1 minute' + interval '30 seconds', 'UP', 'MAINT', NULL, 'paused'
            FROM generate_series(1, 4) AS n;
            INSERT INTO state_changes (target_id, at, from_state, to_state, status, info)
            VALUES (@db1, '2026-01-01 00:00:10Z', 'MAINT', 'UP', 'L4OK', NULL);
            """, new { web, db1 });
        var store = new HistoryStore(db);

        var first = await store.StateChangesAsync(new StateChangeFilter(), 50);
        var second = await store.StateChangesAsync(new StateChangeFilter(), 50, first.Next);

        Assert.Equal(50, first.Changes.Count);
        Assert.NotNull(first.Next);
        Assert.Equal(15, second.Changes.Count);
        Assert.Null(second.Next);
        var all = first.Changes.Concat(second.Changes).ToList();
        Assert.Equal(65, all.Select(c => c.Id).Distinct().Count());
        Assert.Equal(all.OrderByDescending(c => c.At).ThenByDescending(c => c.Id).Select(c => c.Id), all.Select(c => c.Id));
        Assert.Equal(("web", "default", "DOWN", "Connection refused #60"), (first.Changes[0].TargetName, first.Changes[0].GroupName, first.Changes[0].ToState, first.Changes[0].Info));

        var down = await store.StateChangesAsync(new StateChangeFilter(State: "DOWN"), 50);
        Assert.Equal(30, down.Changes.Count);
        Assert.All(down.Changes, c => Assert.Equal("DOWN", c.ToState));

        var store1 = await store.StateChangesAsync(new StateChangeFilter(Group: "store"), 50);
        Assert.Equal(5, store1.Changes.Count);
        // A search matches part of group/name, case-insensitive, and an underscore is only itself.
        var searched = await store.StateChangesAsync(new StateChangeFilter(Search: "RE/DB_"), 50);
        Assert.Equal(5, searched.Changes.Count);
        Assert.Empty((await store.StateChangesAsync(new StateChangeFilter(Search: "db%"), 50)).Changes);
        var ofTarget = await store.StateChangesAsync(new StateChangeFilter(TargetId: db1, State: "MAINT"), 3);
        Assert.Equal(3, ofTarget.Changes.Count);
        Assert.Single((await store.StateChangesAsync(new StateChangeFilter(TargetId: db1, State: "MAINT"), 3, ofTarget.Next)).Changes);

        Assert.Equal(["default", "store"], await store.GroupsAsync());
    }

    private static (double Up, double Down, double Maint, double Unknown, decimal? Pct) Tuple(UptimeRecord u) =>
        (u.UpSeconds, u.DownSeconds, u.MaintSeconds, u.UnknownSeconds, u.UptimePct);
}
