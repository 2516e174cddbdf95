using System.Diagnostics;
using Dapper;
using HealthChecker.Core.Store;
using Npgsql;
using Serilog;

namespace HealthChecker.Bench;

/// <summary>
/// Fills <c>check_results</c> with a large history, server-side (INSERT ... SELECT over
/// generate_series), in time order as the engine would have written it: one target checked every
/// second (the one the read benchmark reads) and the others at the interval that makes up the rest
/// of the rows, over the last N days in daily partitions.
/// </summary>
internal static class HistoryFill
{
    private const int ChunkHours = 6;
    private const double DayMs = 86_400_000;

    public sealed record Result(int Rows, int Targets, int Days, int Partitions, string Method, double Seconds, double VacuumSeconds,
        long ReadTarget, DateTime End);

    public static async Task<Result> RunAsync(NpgsqlDataSource ds, StoreBenchmark.Settings s, bool embedded, ILogger log, CancellationToken ct)
    {
        var ids = await StoreWrites.CreateTargetsAsync(ds, "history", s.Targets).ConfigureAwait(false);
        var end = DateTime.UtcNow;
        var start = end.AddDays(-s.Days);

        // Daily partitions from the first day filled on, the way the app creates them ahead.
        var maintenance = new HistoryMaintenance(ds, log);
        await maintenance.EnsurePartitionsAsync(daysAhead: s.Days + 1, firstDay: DateOnly.FromDateTime(start), ct: ct).ConfigureAwait(false);
        var partitions = (await maintenance.ListPartitionDaysAsync(ct).ConfigureAwait(false))
            .Count(d => d >= DateOnly.FromDateTime(start) && d <= DateOnly.FromDateTime(end));

        // The read target: one row per second (ReadRows a day) over every day; the rest share what is left.
        var n = ids.Length;
        var counts = new long[n];
        var steps = new double[n];
        var phases = new double[n];
        counts[0] = (long)s.ReadRows * s.Days;
        steps[0] = DayMs / s.ReadRows;
        var rest = s.FillRows - counts[0];
        for (var i = 1; i < n; i++)
        {
            counts[i] = rest / (n - 1) + (i <= rest % (n - 1) ? 1 : 0);
            steps[i] = counts[i] == 0 ? DayMs : s.Days * DayMs / counts[i];
            // Spread the targets' phases over the interval, as the scheduler spreads first checks.
            phases[i] = steps[i] * (i * 0.6180339887 % 1.0);
        }

        if (embedded)
        {
            // Fewer forced checkpoints while gigabytes of WAL go by; a throwaway cluster's setting.
            await StoreBenchmark.ExecuteAsync(ds, "ALTER SYSTEM SET max_wal_size = '8GB'").ConfigureAwait(false);
            await StoreBenchmark.ExecuteAsync(ds, "SELECT pg_reload_conf()").ConfigureAwait(false);
        }

        await using var conn = await ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        await conn.ExecuteAsync("SET synchronous_commit = off; SET work_mem = '256MB'").ConfigureAwait(false);
        var method = "INSERT ... SELECT generate_series (server-side), in 6-hour chunks sorted by checked_at";
        try
        {
            // The fill is set-up, not a measured write: skip the mark trigger (its spans would only
            // make the next refresh count the fill), which needs superuser rights to skip.
            await conn.ExecuteAsync("SET session_replication_role = replica").ConfigureAwait(false);
            method += ", mark trigger off (session_replication_role = replica)";
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            method += ", with the mark trigger";
        }

        StoreBenchmark.Progress($"fill: {s.FillRows} rows, {n} targets over {s.Days} days ({partitions} daily partitions); target {ids[0]} every {steps[0]:F0} ms, the others every {steps[1] / 1000:F1} s");
        var clock = Stopwatch.StartNew();
        long done = 0;
        var chunks = s.Days * 24 / ChunkHours;
        for (var c = 0; c < chunks; c++)
        {
            ct.ThrowIfCancellationRequested();
            var lo = c * ChunkHours * 3_600_000.0;
            var hi = (c + 1) * ChunkHours * 3_600_000.0;
            done += await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO check_results (target_id, checked_at, status, passed, duration_ms, http_code, info)
                SELECT s.id,
                       @Start + (s.phase + k * s.step) * interval '1 millisecond',
                       CASE WHEN (k + s.id) % 100 = 99 THEN 'L4CON' ELSE 'L7OK' END,
                       (k + s.id) % 100 <> 99,
                       CASE WHEN (k + s.id) % 100 = 99 THEN 0 ELSE 1 + (k + s.id) % 40 END,
                       CASE WHEN (k + s.id) % 100 = 99 THEN NULL ELSE 200 END,
                       CASE WHEN (k + s.id) % 100 = 99 THEN 'Connection refused' ELSE 'OK' END
                FROM unnest(@Ids, @Phases, @Steps, @Counts) AS s(id, phase, step, n)
                CROSS JOIN LATERAL generate_series(greatest(0, ceil((@Lo - s.phase) / s.step))::bigint,
                                                   least(s.n - 1, ceil((@Hi - s.phase) / s.step) - 1)::bigint) AS k
                ORDER BY 2
                """, new { Start = start, Ids = ids, Phases = phases, Steps = steps, Counts = counts, Lo = lo, Hi = hi },
                commandTimeout: 0, cancellationToken: ct)).ConfigureAwait(false);
            if ((c + 1) % (24 / ChunkHours) == 0 || c == chunks - 1)
            {
                var rate = done / clock.Elapsed.TotalSeconds;
                StoreBenchmark.Progress($"  fill: day {(c + 1) * ChunkHours / 24}/{s.Days}, {done} rows, {rate:F0} rows/s, about {(s.FillRows - done) / rate:F0} s left; load {StoreBenchmark.Uptime()}");
            }
        }

        var fillSeconds = clock.Elapsed.TotalSeconds;
        await conn.ExecuteAsync("RESET ALL").ConfigureAwait(false);
        if (done != s.FillRows)
        {
            throw new InvalidOperationException($"the fill wrote {done} rows, not {s.FillRows}");
        }

        StoreBenchmark.Progress("VACUUM (ANALYZE) check_results");
        var vacuum = Stopwatch.StartNew();
        await conn.ExecuteAsync(new CommandDefinition("VACUUM (ANALYZE) check_results", commandTimeout: 0, cancellationToken: ct)).ConfigureAwait(false);
        StoreBenchmark.Progress($"  {vacuum.Elapsed.TotalSeconds:F0} s");

        return new Result(s.FillRows, n, s.Days, partitions, method, fillSeconds, vacuum.Elapsed.TotalSeconds, ids[0], end);
    }
}
