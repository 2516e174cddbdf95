using System.Diagnostics;
using Dapper;
using HealthChecker.Core.Store;
using Npgsql;
using Serilog;

namespace HealthChecker.Bench;

/// <summary>
/// Rows/s into <c>check_results</c>: the app's <see cref="ResultWriter"/> (binary COPY in batches),
/// beside single-row and multi-row INSERTs through Dapper, against the same database.
/// </summary>
internal static class StoreWrites
{
    /// <summary>The group of every target the benchmark creates.</summary>
    public const string Group = "storebench";

    private const string Columns = "target_id, checked_at, status, passed, duration_ms, http_code, info";

    public sealed record Run(string Name, int Rows, double Seconds)
    {
        public double RowsPerSecond => Rows / Seconds;
    }

    public sealed record Result(IReadOnlyList<Run> Runs, Run Refresh, int RefreshCalls);

    public static async Task<Result> RunAsync(NpgsqlDataSource ds, StoreBenchmark.Settings s, ILogger log, CancellationToken ct)
    {
        var targets = await CreateTargetsAsync(ds, "write", s.WriteTargets).ConfigureAwait(false);
        var start = DateTime.UtcNow;
        var fence = s.Fence ? await JoinActiveAsync(ds).ConfigureAwait(false) : null;

        // A short untimed round of each first: JIT, pooled connections and prepared plans are not
        // what a long-running writer pays per row.
        await CopyAsync(ds, Rows(targets, start.AddHours(-1), 5_000), s.BatchSize, fence, log, ct).ConfigureAwait(false);
        await SingleRowAsync(ds, Rows(targets, start.AddHours(-1).AddMinutes(10), 200), ct).ConfigureAwait(false);
        await MultiRowAsync(ds, Rows(targets, start.AddHours(-1).AddMinutes(20), 5_000), s.BatchSize, ct).ConfigureAwait(false);

        var runs = new List<Run>();
        StoreBenchmark.Progress($"COPY writer: {s.CopyRows} rows in batches of {s.BatchSize}");
        runs.Add(new Run($"ResultWriter (binary COPY, {s.BatchSize}-row batches{(fence is null ? "" : ", fenced")})", s.CopyRows,
            await CopyAsync(ds, Rows(targets, start, s.CopyRows), s.BatchSize, fence, log, ct).ConfigureAwait(false)));
        Report(runs[^1]);

        StoreBenchmark.Progress($"single-row INSERTs: {s.SingleRows} rows");
        runs.Add(new Run("Dapper, one INSERT per row (autocommit)", s.SingleRows,
            await SingleRowAsync(ds, Rows(targets, start.AddMinutes(1), s.SingleRows), ct).ConfigureAwait(false)));
        Report(runs[^1]);

        StoreBenchmark.Progress($"multi-row INSERTs: {s.MultiRows} rows, {s.BatchSize} per statement");
        runs.Add(new Run($"Dapper, INSERT ... SELECT unnest(arrays), {s.BatchSize} rows per statement", s.MultiRows,
            await MultiRowAsync(ds, Rows(targets, start.AddMinutes(2), s.MultiRows), s.BatchSize, ct).ConfigureAwait(false)));
        Report(runs[^1]);

        await using var conn = await ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        var stored = await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM check_results").ConfigureAwait(false);
        var expected = 5_000 + 200 + 5_000 + (long)s.CopyRows + s.SingleRows + s.MultiRows;
        if (stored != expected)
        {
            throw new InvalidOperationException($"check_results holds {stored} rows after the writes, not {expected}");
        }

        // The counts of the rollups are no longer kept by the writers: the app's refresh recounts what
        // was written, once a minute. Its cost for everything written above, timed apart.
        StoreBenchmark.Progress($"rollup refresh: counting {stored} rows");
        var calls = 0;
        var refresh = new Run("hc_refresh_rollups()", (int)stored,
            await StoreBenchmark.TimeAsync(async () => calls = await new HistoryMaintenance(ds, log).RefreshRollupsAsync(ct).ConfigureAwait(false)).ConfigureAwait(false) / 1000);
        Report(refresh);
        var counted = await conn.ExecuteScalarAsync<long>("SELECT sum(checks) FROM rollup_day").ConfigureAwait(false);
        if (counted != stored)
        {
            throw new InvalidOperationException($"rollup_day counts {counted} checks after the refresh, not {stored}");
        }

        return new Result(runs, refresh, calls);
    }

    /// <summary>Creates <paramref name="count"/> tcp targets named <c>{prefix}-N</c>; returns their ids in order.</summary>
    public static async Task<long[]> CreateTargetsAsync(NpgsqlDataSource ds, string prefix, int count)
    {
        await using var conn = await ds.OpenConnectionAsync().ConfigureAwait(false);
        var ids = await conn.QueryAsync<long>("""
            INSERT INTO targets (name, group_name, kind, host, port, inter_ms)
            SELECT @Prefix || '-' || g, @Group, 'tcp', '127.0.0.1', 10000 + g % 50000, 1000
            FROM generate_series(1, @Count) g
            ORDER BY g
            RETURNING id
            """, new { Prefix = prefix, Group, Count = count }).ConfigureAwait(false);
        return ids.Order().ToArray();
    }

    /// <summary>
    /// One result per target per second, targets in turn, from <paramref name="start"/>: the order
    /// the engine produces them in. One in a hundred fails.
    /// </summary>
    private static IEnumerable<CheckResultRow> Rows(long[] targets, DateTime start, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var target = targets[i % targets.Length];
            var at = start.AddMilliseconds(1000.0 * i / targets.Length);
            yield return i % 100 == 99
                ? new CheckResultRow(target, at, "L4CON", false, 0, null, "Connection refused")
                : new CheckResultRow(target, at, "L7OK", true, 1 + i % 40, 200, "OK");
        }
    }

    /// <summary>
    /// Feeds the writer as fast as it takes rows, in bursts of one batch, never more than a few
    /// batches ahead so that nothing is dropped; seconds until everything is stored.
    /// </summary>
    private static async Task<double> CopyAsync(NpgsqlDataSource ds, IEnumerable<CheckResultRow> rows, int batchSize, MembershipFence? fence, ILogger log, CancellationToken ct)
    {
        var options = new ResultWriterOptions { BatchSize = batchSize, Fence = fence };
        var ahead = Math.Min(options.Capacity / 2, batchSize * 8);
        await using var writer = new ResultWriter(ds, log, options);
        writer.Start();
        var clock = Stopwatch.StartNew();
        var inBurst = 0;
        foreach (var row in rows)
        {
            writer.Add(row);
            if (++inBurst == batchSize)
            {
                inBurst = 0;
                while (writer.Buffered >= ahead)
                {
                    await Task.Delay(1, ct).ConfigureAwait(false);
                }
            }
        }

        await writer.FlushAsync(ct).ConfigureAwait(false);
        clock.Stop();
        if (writer.Dropped != 0 || writer.Skipped != 0 || writer.FailedAttempts != 0 || writer.IsFencedOut)
        {
            throw new InvalidOperationException(
                $"the writer dropped {writer.Dropped}, skipped {writer.Skipped}, failed {writer.FailedAttempts} times, fenced out: {writer.IsFencedOut}");
        }

        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>An Active member row for the fenced writer, as Orleans' clustering would have written it.</summary>
    private static async Task<MembershipFence> JoinActiveAsync(NpgsqlDataSource ds)
    {
        var fence = new MembershipFence(Group, "127.0.0.1", 11111, 1);
        await using var conn = await ds.OpenConnectionAsync().ConfigureAwait(false);
        await conn.ExecuteAsync("""
            INSERT INTO orleansmembershipversiontable (deploymentid) VALUES (@DeploymentId);
            INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname, status, starttime, iamalivetime)
            VALUES (@DeploymentId, @Address, @Port, @Generation, 'bench', 'localhost', 3, now(), now());
            """, fence).ConfigureAwait(false);
        return fence;
    }

    /// <summary>What a naive writer does: one INSERT per result, each its own transaction, on one open connection.</summary>
    private static async Task<double> SingleRowAsync(NpgsqlDataSource ds, IEnumerable<CheckResultRow> rows, CancellationToken ct)
    {
        await using var conn = await ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        foreach (var row in rows)
        {
            await conn.ExecuteAsync(new CommandDefinition(
                $"INSERT INTO check_results ({Columns}) VALUES (@TargetId, @CheckedAt, @Status, @Passed, @DurationMs, @HttpCode, @Info)",
                row, cancellationToken: ct)).ConfigureAwait(false);
        }

        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>One INSERT per <paramref name="batchSize"/> rows, the columns sent as arrays and unnested server-side.</summary>
    private static async Task<double> MultiRowAsync(NpgsqlDataSource ds, IEnumerable<CheckResultRow> rows, int batchSize, CancellationToken ct)
    {
        await using var conn = await ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        foreach (var chunk in rows.Chunk(batchSize))
        {
            await conn.ExecuteAsync(new CommandDefinition(
                $"INSERT INTO check_results ({Columns}) SELECT * FROM unnest(@TargetIds, @CheckedAts, @Statuses, @Passed, @Durations, @HttpCodes, @Infos)",
                new
                {
                    TargetIds = chunk.Select(r => r.TargetId).ToArray(),
                    CheckedAts = chunk.Select(r => r.CheckedAt).ToArray(),
                    Statuses = chunk.Select(r => r.Status).ToArray(),
                    Passed = chunk.Select(r => r.Passed).ToArray(),
                    Durations = chunk.Select(r => r.DurationMs).ToArray(),
                    HttpCodes = chunk.Select(r => r.HttpCode).ToArray(),
                    Infos = chunk.Select(r => r.Info).ToArray(),
                }, cancellationToken: ct)).ConfigureAwait(false);
        }

        return clock.Elapsed.TotalSeconds;
    }

    private static void Report(Run run) =>
        StoreBenchmark.Progress($"  {run.Rows} rows in {run.Seconds:F2} s: {run.RowsPerSecond:F0} rows/s");
}
