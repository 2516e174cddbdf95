using Dapper;
using HealthChecker.Core.Store;
using Npgsql;

namespace HealthChecker.Bench;

/// <summary>
/// Times the read of one target's last 24 h from the filled table, the way the app reads it, and
/// measures the table's size on disk.
/// </summary>
internal static class HistoryRead
{
    // The app's own query, for its plan.
    private const string AppQuery = HistoryStore.RecentResultsSql;

    // The chart's read before result_hours: check_results alone, from the covering index.
    private const string PlainPointsSql = """
        SELECT checked_at, passed, duration_ms
        FROM check_results
        WHERE target_id = $1 AND checked_at >= $2 AND checked_at < $3
        ORDER BY checked_at DESC
        """;

    private const string TableQuery = """
        SELECT target_id AS TargetId, checked_at AS CheckedAt, status AS Status, passed AS Passed,
               duration_ms AS DurationMs, http_code AS HttpCode, info AS Info
        FROM check_results
        WHERE target_id = @TargetId AND checked_at >= @Since
        """;

    public sealed record Query(string Name, int Rows, double FirstMs, double P50Ms, double P95Ms, double MinMs, double MaxMs);

    public sealed record Pack(double Seconds, int Steps, long Rows, long Hours, double VacuumSeconds);

    public sealed record Result(int Rows, int Runs, Pack Pack, IReadOnlyList<Query> Queries, string Plan);

    public sealed record Disk(long Rows, long HeapBytes, long IndexBytes, long PackedBytes);

    public static async Task<Result> RunAsync(NpgsqlDataSource ds, HistoryFill.Result fill, int runs, CancellationToken ct)
    {
        var store = new HistoryStore(ds);
        var since = fill.End.AddHours(-24);
        var limit = 1_000_000;
        var args = new { TargetId = fill.ReadTarget, Since = since, Limit = limit };

        // What the app's per-minute job does: every closed hour of every target packed into result_hours.
        StoreBenchmark.Progress($"pack: hc_pack_results() until caught up; load {StoreBenchmark.Uptime()}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var steps = await new HistoryMaintenance(ds, Serilog.Core.Logger.None).PackResultsAsync(ct).ConfigureAwait(false);
        var packSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        await StoreBenchmark.ExecuteAsync(ds, "VACUUM (ANALYZE) result_hours").ConfigureAwait(false);
        var (packedRows, packedHours) = await ScalarsAsync(ds, "SELECT coalesce(sum(results), 0)::bigint, count(*) FROM result_hours").ConfigureAwait(false);
        var pack = new Pack(packSeconds, steps, packedRows, packedHours, clock.Elapsed.TotalSeconds);
        StoreBenchmark.Progress($"  {packedRows} results into {packedHours} rows in {packSeconds:F1} s ({steps} calls), VACUUM {pack.VacuumSeconds:F1} s");

        // One pooled connection exists before the first timed read: opening one is not the query's cost.
        await StoreBenchmark.ExecuteAsync(ds, "SELECT 1").ConfigureAwait(false);

        // The chart's read: index-only, up to the end of the data (the same rows as the others).
        var until = fill.End.AddDays(1);
        Func<Task<int>> points = async () => (await store.ResultPointsAsync(fill.ReadTarget, since, until, ct).ConfigureAwait(false)).Count;
        Func<Task<int>> plain = async () =>
        {
            await using var conn = await ds.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand(PlainPointsSql, conn);
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fill.ReadTarget });
            cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = since });
            cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = until });
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<ResultPoint>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(new ResultPoint(reader.GetFieldValue<DateTime>(0), reader.GetBoolean(1), reader.GetInt32(2)));
            }

            return list.Count;
        };
        Func<Task<int>> app = async () => (await store.RecentResultsAsync(fill.ReadTarget, since, limit, ct).ConfigureAwait(false)).Count;
        Func<Task<int>> table = async () =>
        {
            await using var conn = await ds.OpenConnectionAsync(ct).ConfigureAwait(false);
            var rows = await conn.QueryAsync<CheckResultRow>(new CommandDefinition(TableQuery, args, cancellationToken: ct)).ConfigureAwait(false);
            return rows.AsList().Count;
        };
        var queries = new (string Name, Func<Task<int>> Run, List<double> Times)[]
        {
            ("app: HistoryStore.ResultPointsAsync (packed hours from result_hours, the rest from the covering index of check_results, one snapshot)", points, []),
            ("baseline: the same columns from check_results alone (covering index, index-only scan, ORDER BY checked_at DESC)", plain, []),
            ("app: HistoryStore.RecentResultsAsync (check_history view with names and info, ORDER BY checked_at DESC)", app, []),
            ("table: check_results WHERE target_id = $1 AND checked_at >= $2", table, []),
        };

        StoreBenchmark.Progress($"read: target {fill.ReadTarget} since {since:u}, 1 + {runs} runs of each query; load {StoreBenchmark.Uptime()}");
        var rowCount = -1;
        var firsts = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            // Interleaved, so that a change in machine load hits both alike.
            foreach (var q in queries)
            {
                var rows = 0;
                var ms = await StoreBenchmark.TimeAsync(async () => rows = await q.Run().ConfigureAwait(false)).ConfigureAwait(false);
                if (rowCount >= 0 && rows != rowCount)
                {
                    throw new InvalidOperationException($"{q.Name} read {rows} rows, another read {rowCount}");
                }

                rowCount = rows;
                (run == 0 ? firsts : q.Times).Add(ms);
            }
        }

        var results = queries.Select((q, i) => Summarise(q.Name, rowCount, firsts[i], q.Times)).ToList();
        foreach (var r in results)
        {
            StoreBenchmark.Progress($"  {r.Name}: {r.Rows} rows, first {r.FirstMs:F1} ms, p50 {r.P50Ms:F1} ms, p95 {r.P95Ms:F1} ms");
        }

        await using var conn = await ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        var plan = new List<string>();
        foreach (var sql in new[] { HistoryStore.PackedPointsSql, HistoryStore.RawPointsSql, PlainPointsSql })
        {
            await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql, conn);
            explain.Parameters.Add(new NpgsqlParameter { Value = fill.ReadTarget });
            explain.Parameters.Add(new NpgsqlParameter { Value = since });
            explain.Parameters.Add(new NpgsqlParameter { Value = until });
            await using var reader = await explain.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                plan.Add(reader.GetString(0));
            }

            plan.Add("");
        }

        plan.AddRange(await conn.QueryAsync<string>(new CommandDefinition("EXPLAIN (ANALYZE, BUFFERS) " + AppQuery, args, cancellationToken: ct)).ConfigureAwait(false));
        return new Result(rowCount, runs, pack, results, string.Join('\n', plan));
    }

    public static async Task<Disk> MeasureDiskAsync(NpgsqlDataSource ds)
    {
        await using var conn = await ds.OpenConnectionAsync().ConfigureAwait(false);
        var rows = await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM check_results", commandTimeout: 0)).ConfigureAwait(false);
        var (heap, index) = await conn.QuerySingleAsync<(long, long)>("""
            SELECT sum(pg_table_size(relid))::bigint, sum(pg_indexes_size(relid))::bigint
            FROM pg_partition_tree('check_results') WHERE isleaf
            """).ConfigureAwait(false);
        var packed = await conn.ExecuteScalarAsync<long>("SELECT pg_total_relation_size('result_hours')").ConfigureAwait(false);
        StoreBenchmark.Progress($"disk: {rows} rows, heap {heap / 1e9:F2} GB, index {index / 1e9:F2} GB, result_hours {packed / 1e9:F2} GB");
        return new Disk(rows, heap, index, packed);
    }

    private static async Task<(long, long)> ScalarsAsync(NpgsqlDataSource ds, string sql)
    {
        await using var conn = await ds.OpenConnectionAsync().ConfigureAwait(false);
        return await conn.QuerySingleAsync<(long, long)>(new CommandDefinition(sql, commandTimeout: 0)).ConfigureAwait(false);
    }

    private static Query Summarise(string name, int rows, double first, List<double> times)
    {
        var sorted = times.Order().ToList();
        double Percentile(double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
        return new Query(name, rows, first, Percentile(0.50), Percentile(0.95), sorted[0], sorted[^1]);
    }
}
