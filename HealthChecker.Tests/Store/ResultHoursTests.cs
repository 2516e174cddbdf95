using Dapper;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using Npgsql;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Store;

/// <summary><c>result_hours</c>: each target's closed hours packed by <c>hc_pack_results()</c>, read with the raw rest.</summary>
public class ResultHoursTests
{
    [Fact]
    public async Task Packed_hours_and_the_raw_rest_read_back_as_the_raw_results_newest_first()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var busy = await AddTargetAsync(db, "busy");
        var quiet = await AddTargetAsync(db, "quiet");
        var now = await ScalarAsync<DateTime>(db, "SELECT date_trunc('second', now())");
        // Five hours back: every 7 s for one target, every minute for the other, one in five failing.
        await ExecuteAsync(db, """
            INSERT INTO check_results (target_id, checked_at, status, passed, duration_ms)
            SELECT t, @now - n * step, CASE WHEN n % 5 = 0 THEN 'L4CON' ELSE 'L4OK' END, n % 5 <> 0, n % 1000
            FROM (VALUES (@busy, interval '7 seconds'), (@quiet, interval '1 minute')) AS v(t, step),
                 generate_series(1, (18000 / extract(epoch FROM step))::integer) AS n
            """, new { now, busy, quiet });
        var maintenance = new HistoryMaintenance(db, TestLog.Silent);

        Assert.Equal(1, await maintenance.PackResultsAsync());

        var packedTo = await ScalarAsync<DateTime>(db, "SELECT packed_to FROM result_hours_progress");
        Assert.Equal(await ScalarAsync<DateTime>(db, "SELECT date_trunc('hour', now() - interval '2 minutes', 'UTC')"), packedTo);
        // Every closed hour of each target is one row holding all its results, in time order, and
        // hc_unpack_results gives them back in SQL.
        Assert.Equal(0L, await ScalarAsync<long>(db, """
            SELECT count(*) FROM (
                SELECT target_id, date_trunc('hour', checked_at, 'UTC') AS hour,
                       array_agg((checked_at, passed, duration_ms) ORDER BY checked_at)::text AS rows, count(*) AS n
                FROM check_results WHERE checked_at < @packedTo GROUP BY 1, 2) raw
            FULL JOIN (
                SELECT target_id, hour, results,
                       (SELECT array_agg((u.checked_at, u.passed, u.duration_ms) ORDER BY u.checked_at)::text FROM hc_unpack_results(points) u) AS rows
                FROM result_hours) h USING (target_id, hour)
            WHERE h.rows IS DISTINCT FROM raw.rows OR h.results IS DISTINCT FROM raw.n
            """, new { packedTo }));
        Assert.True(await ScalarAsync<long>(db, "SELECT count(*) FROM result_hours") >= 8);

        var store = new HistoryStore(db);
        // The last 4.5 h (packed hours, cut mid-hour, then the raw rest) and a stretch inside the packed hours.
        foreach (var (from, to) in new[] { (now.AddHours(-4.5), now.AddSeconds(1)), (packedTo.AddMinutes(-150), packedTo.AddMinutes(-61)) })
        {
            var points = await store.ResultPointsAsync(busy, from, to);
            Assert.Equal(await RawPointsAsync(db, busy, from, to), points.Select(Utc).ToList());
            Assert.True(points.Count > 500, $"{points.Count} points from {from:u} to {to:u}");
        }
    }

    [Fact]
    public async Task Results_written_late_into_a_packed_hour_are_packed_again_by_the_next_call_and_never_twice()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "late");
        var hour = await ScalarAsync<DateTime>(db, "SELECT date_trunc('hour', now(), 'UTC') - interval '3 hours'");
        await InsertEveryMinuteAsync(db, target, hour, hour.AddHours(2));
        var maintenance = new HistoryMaintenance(db, TestLog.Silent);
        await maintenance.PackResultsAsync();
        Assert.Equal(60, await ScalarAsync<int>(db, "SELECT results FROM result_hours WHERE target_id = @target AND hour = @hour", new { target, hour }));

        // What a writer's backlog brings after an outage: results of an hour already packed.
        await ExecuteAsync(db, """
            INSERT INTO check_results (target_id, checked_at, status, passed, duration_ms)
            SELECT @target, @hour + n * interval '1 minute' + interval '30 seconds', 'L4CON', false, 7 FROM generate_series(0, 9) AS n
            """, new { target, hour });
        Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM result_hours_pending"));

        Assert.Equal(1, await maintenance.PackResultsAsync());

        Assert.Equal(70, await ScalarAsync<int>(db, "SELECT results FROM result_hours WHERE target_id = @target AND hour = @hour", new { target, hour }));
        Assert.Equal(60, await ScalarAsync<int>(db, "SELECT results FROM result_hours WHERE target_id = @target AND hour = @hour + interval '1 hour'", new { target, hour }));
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM result_hours_pending"));
        var points = await new HistoryStore(db).ResultPointsAsync(target, hour, hour.AddHours(3));
        Assert.Equal(await RawPointsAsync(db, target, hour, hour.AddHours(3)), points.Select(Utc).ToList());
        Assert.Equal(130, points.Count);
    }

    [Fact]
    public async Task Deleting_a_target_deletes_its_packed_hours_and_retention_deletes_old_ones()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var gone = await AddTargetAsync(db, "gone");
        var kept = await AddTargetAsync(db, "kept");
        var hour = await ScalarAsync<DateTime>(db, "SELECT date_trunc('hour', now(), 'UTC') - interval '40 days'");
        var recent = await ScalarAsync<DateTime>(db, "SELECT date_trunc('hour', now(), 'UTC') - interval '2 hours'");
        foreach (var t in new[] { gone, kept })
        {
            await InsertEveryMinuteAsync(db, t, hour, hour.AddHours(1));
            await InsertEveryMinuteAsync(db, t, recent, recent.AddHours(1));
        }

        var maintenance = new HistoryMaintenance(db, TestLog.Silent);
        // From the oldest result on: 40 days of mostly empty hours are passed over in a couple of steps.
        Assert.InRange(await maintenance.PackResultsAsync(), 1, 3);
        Assert.Equal(4L, await ScalarAsync<long>(db, "SELECT count(*) FROM result_hours"));

        await ExecuteAsync(db, "DELETE FROM targets WHERE id = @gone", new { gone });
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM result_hours WHERE target_id = @gone", new { gone }));

        await maintenance.ApplyRetentionAsync(TimeSpan.FromDays(30));
        Assert.Equal([recent], (await QueryAsync<DateTime>(db, "SELECT hour FROM result_hours ORDER BY hour")).Select(Utc));
    }

    private static async Task InsertEveryMinuteAsync(NpgsqlDataSource db, long target, DateTime from, DateTime to) =>
        await ExecuteAsync(db, """
            INSERT INTO check_results (target_id, checked_at, status, passed, duration_ms)
            SELECT @target, g, 'L4OK', true, 1 FROM generate_series(@from, @to - interval '1 minute', interval '1 minute') AS g
            """, new { target, from, to });

    private static async Task<List<ResultPoint>> RawPointsAsync(NpgsqlDataSource db, long target, DateTime from, DateTime to) =>
        (await QueryAsync<(DateTime, bool, int)>(db, """
            SELECT checked_at, passed, duration_ms FROM check_results
            WHERE target_id = @target AND checked_at >= @from AND checked_at < @to ORDER BY checked_at DESC
            """, new { target, from, to })).Select(r => new ResultPoint(Utc(r.Item1), r.Item2, r.Item3)).ToList();

    private static async Task<List<T>> QueryAsync<T>(NpgsqlDataSource db, string sql, object? args = null)
    {
        await using var conn = await db.OpenConnectionAsync();
        return (await conn.QueryAsync<T>(sql, args)).AsList();
    }

    private static DateTime Utc(DateTime at) => at.ToUniversalTime();

    private static ResultPoint Utc(ResultPoint p) => p with { CheckedAt = p.CheckedAt.ToUniversalTime() };
}
