using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Dapper;
using HealthChecker.Core.Store;
using Npgsql;

namespace HealthChecker.Bench;

/// <summary>
/// <c>store</c>: write throughput into <c>check_results</c> (the real COPY writer beside single-row and
/// multi-row INSERTs), the read of one target's last 24 h from a large table, and disk bytes per
/// stored result; one run, one database, printed as markdown.
/// </summary>
internal static class StoreBenchmark
{
    public const string Usage =
        "       HealthChecker.Bench store [--rows 2000000] [--single-rows 20000] [--multi-rows 2000000] [--batch 1000] [--fill-rows 50000000] " +
        "[--targets 580] [--days 30] [--read-rows 86400] [--read-runs 20] [--database <connection string>] [--temp /var/tmp] [--write-targets 100] [--fence 0|1]";

    /// <summary>The sizes of one run; every row count is an option so that a quick run is possible.</summary>
    public sealed record Settings(
        int CopyRows,
        int SingleRows,
        int MultiRows,
        int BatchSize,
        int FillRows,
        int Targets,
        int Days,
        int ReadRows,
        int ReadRuns,
        string? Database,
        string? TempRoot,
        int WriteTargets,
        bool Fence)
    {
        public static Settings From(Func<string, int, int> number, Func<string, string?> text) => new(
            CopyRows: number("rows", 2_000_000),
            SingleRows: number("single-rows", 20_000),
            MultiRows: number("multi-rows", 2_000_000),
            BatchSize: number("batch", 1_000),
            FillRows: number("fill-rows", 50_000_000),
            Targets: number("targets", 580),
            Days: number("days", 30),
            ReadRows: number("read-rows", 86_400),
            ReadRuns: number("read-runs", 20),
            Database: text("database"),
            TempRoot: text("temp"),
            WriteTargets: number("write-targets", 100),
            // 1: every batch of the COPY writer passes the membership fence of a node that is Active.
            Fence: number("fence", 0) != 0);

        public void Validate()
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(CopyRows, 1, "--rows");
            ArgumentOutOfRangeException.ThrowIfLessThan(SingleRows, 1, "--single-rows");
            ArgumentOutOfRangeException.ThrowIfLessThan(MultiRows, 1, "--multi-rows");
            ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, "--batch");
            ArgumentOutOfRangeException.ThrowIfLessThan(WriteTargets, 1, "--write-targets");
            ArgumentOutOfRangeException.ThrowIfLessThan(Targets, 2, "--targets");
            ArgumentOutOfRangeException.ThrowIfLessThan(Days, 1, "--days");
            ArgumentOutOfRangeException.ThrowIfLessThan(ReadRows, 1, "--read-rows");
            ArgumentOutOfRangeException.ThrowIfLessThan(ReadRuns, 1, "--read-runs");
            if ((long)ReadRows * Days > FillRows)
            {
                throw new ArgumentException($"--fill-rows {FillRows} cannot hold the read target's {ReadRows} rows a day over --days {Days}");
            }
        }
    }

    public static async Task<int> RunAsync(Settings settings)
    {
        settings.Validate();
        using var cancel = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            // Stop at the next step and still remove the temporary cluster.
            context.Cancel = true;
            cancel.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        var log = Serilog.Core.Logger.None;
        string? tempRoot = null;
        if (settings.Database is null)
        {
            tempRoot = Path.Combine(settings.TempRoot ?? "/var/tmp", $"hc-storebench-{Guid.NewGuid().ToString("N")[..8]}");
            Directory.CreateDirectory(tempRoot);
            Progress($"embedded cluster under {tempRoot}; free there: {FreeGigabytes(tempRoot):F1} GB");
        }

        var before = Uptime();
        string? clusterRoot = null;
        try
        {
            await using var db = await HealthCheckerDatabase.OpenAsync(settings.Database, tempRoot ?? "", log, cancel.Token).ConfigureAwait(false);
            clusterRoot = db.Cluster?.ClusterRoot;
            var ds = db.DataSource;
            var server = await ServerVersionAsync(ds).ConfigureAwait(false);
            await RequireEmptyAsync(ds).ConfigureAwait(false);

            var writes = await StoreWrites.RunAsync(ds, settings, log, cancel.Token).ConfigureAwait(false);

            // The written rows would skew the read table and the size per row: gone before the fill.
            await ExecuteAsync(ds, "TRUNCATE check_results, result_batches").ConfigureAwait(false);

            var fill = await HistoryFill.RunAsync(ds, settings, embedded: db.Cluster is not null, log, cancel.Token).ConfigureAwait(false);
            var read = await HistoryRead.RunAsync(ds, fill, settings.ReadRuns, cancel.Token).ConfigureAwait(false);
            var disk = await HistoryRead.MeasureDiskAsync(ds).ConfigureAwait(false);

            if (db.Cluster is null)
            {
                // An external database is left as found: it held no results at the start.
                Progress("removing the benchmark's rows from the external database");
                await ExecuteAsync(ds, "TRUNCATE check_results, result_batches").ConfigureAwait(false);
                await ExecuteAsync(ds, $"DELETE FROM targets WHERE group_name = '{StoreWrites.Group}'").ConfigureAwait(false);
                await ExecuteAsync(ds, $"DELETE FROM orleansmembershiptable WHERE deploymentid = '{StoreWrites.Group}'").ConfigureAwait(false);
                await ExecuteAsync(ds, $"DELETE FROM orleansmembershipversiontable WHERE deploymentid = '{StoreWrites.Group}'").ConfigureAwait(false);
            }

            Console.WriteLine(Report(settings, server, before, Uptime(), writes, fill, read, disk));
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        finally
        {
            RemoveFolder(clusterRoot);
            RemoveFolder(tempRoot);
        }
    }

    public static void Progress(string message) =>
        Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} {message}");

    public static async Task ExecuteAsync(NpgsqlDataSource ds, string sql, int timeoutSeconds = 0)
    {
        await using var conn = await ds.OpenConnectionAsync().ConfigureAwait(false);
        await conn.ExecuteAsync(new CommandDefinition(sql, commandTimeout: timeoutSeconds)).ConfigureAwait(false);
    }

    /// <summary>The load averages of <c>uptime</c>: other work on the machine shows in every figure.</summary>
    public static string Uptime()
    {
        var parts = File.ReadAllText("/proc/loadavg").Split(' ');
        return string.Join(", ", parts.Take(3));
    }

    private static async Task<string> ServerVersionAsync(NpgsqlDataSource ds)
    {
        await using var conn = await ds.OpenConnectionAsync().ConfigureAwait(false);
        return conn.PostgreSqlVersion.ToString();
    }

    private static async Task RequireEmptyAsync(NpgsqlDataSource ds)
    {
        await using var conn = await ds.OpenConnectionAsync().ConfigureAwait(false);
        if (await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM check_results)").ConfigureAwait(false))
        {
            // The benchmark truncates check_results: never on a database that holds history.
            throw new InvalidOperationException("check_results is not empty: run the store benchmark on a database without history");
        }
    }

    private static double FreeGigabytes(string path) => new DriveInfo(path).AvailableFreeSpace / 1e9;

    private static void RemoveFolder(string? path)
    {
        if (path is not null && Directory.Exists(path))
        {
            Progress($"removing {path}");
            Directory.Delete(path, recursive: true);
        }
    }

    private static string Report(Settings s, string server, string loadBefore, string loadAfter, StoreWrites.Result writes,
        HistoryFill.Result fill, HistoryRead.Result read, HistoryRead.Disk disk)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, PostgreSQL {server}; load average (1, 5, 15 min) {loadBefore} at the start, {loadAfter} at the end");
        sb.AppendLine();
        sb.AppendLine(inv, $"Writes into `check_results` (same cluster, same run, one after the other, from an empty table on; rows of {s.WriteTargets} targets in turn):");
        sb.AppendLine();
        sb.AppendLine("| writer | rows | seconds | rows/s | COPY writer ÷ this |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var w in writes.Runs)
        {
            var ratio = w == writes.Runs[0] ? "" : $"{writes.Runs[0].RowsPerSecond / w.RowsPerSecond:F1}×";
            sb.AppendLine(inv, $"| {w.Name} | {w.Rows} | {w.Seconds:F2} | {w.RowsPerSecond:F0} | {ratio} |");
        }

        sb.AppendLine();
        sb.AppendLine(inv, $"Then `hc_refresh_rollups()` (what the app runs every minute) counted all {writes.Refresh.Rows} rows written above into the minute, hour and day rollups in {writes.Refresh.Seconds:F2} s ({writes.Refresh.RowsPerSecond:F0} rows/s, {writes.RefreshCalls} calls of at most six hours of history each).");

        sb.AppendLine();
        sb.AppendLine(inv, $"Fill: {fill.Rows} rows ({fill.Targets} targets, {fill.Days} days, {fill.Partitions} daily partitions) by {fill.Method} in {fill.Seconds:F0} s ({fill.Rows / fill.Seconds:F0} rows/s); VACUUM ANALYZE {fill.VacuumSeconds:F0} s");
        sb.AppendLine();
        sb.AppendLine(inv, $"Then `hc_pack_results()` (what the app runs every minute) packed {read.Pack.Rows} results of the closed hours into {read.Pack.Hours} rows of `result_hours` in {read.Pack.Seconds:F0} s ({read.Pack.Rows / read.Pack.Seconds:F0} results/s, {read.Pack.Steps} calls of at most six hours each); VACUUM ANALYZE {read.Pack.VacuumSeconds:F0} s");
        sb.AppendLine();
        sb.AppendLine(inv, $"Read one target's last 24 h ({read.Rows} rows into memory), {read.Runs} runs after one first run:");
        sb.AppendLine();
        sb.AppendLine("| query | first run ms | p50 ms | p95 ms | min ms | max ms |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var q in read.Queries)
        {
            sb.AppendLine(inv, $"| {q.Name} | {q.FirstMs:F1} | {q.P50Ms:F1} | {q.P95Ms:F1} | {q.MinMs:F1} | {q.MaxMs:F1} |");
        }

        sb.AppendLine();
        sb.AppendLine("Disk per stored result (all partitions of `check_results`, after VACUUM ANALYZE):");
        sb.AppendLine();
        sb.AppendLine("| part | bytes | bytes/row |");
        sb.AppendLine("|---|---:|---:|");
        sb.AppendLine(inv, $"| heap (with TOAST, FSM, VM) | {disk.HeapBytes} | {(double)disk.HeapBytes / disk.Rows:F1} |");
        sb.AppendLine(inv, $"| indexes `(target_id, checked_at DESC) INCLUDE (passed, duration_ms)` and BRIN `(checked_at)` | {disk.IndexBytes} | {(double)disk.IndexBytes / disk.Rows:F1} |");
        sb.AppendLine(inv, $"| total ({disk.Rows} rows) | {disk.HeapBytes + disk.IndexBytes} | {(double)(disk.HeapBytes + disk.IndexBytes) / disk.Rows:F1} |");
        sb.AppendLine(inv, $"| and `result_hours` (table, TOAST, indexes; per packed result) | {disk.PackedBytes} | {(double)disk.PackedBytes / Math.Max(1, read.Pack.Rows):F1} |");
        sb.AppendLine();
        sb.AppendLine("Plans (EXPLAIN (ANALYZE, BUFFERS), warm): the two parts of `HistoryStore.ResultPointsAsync` (packed hours, raw rest), the baseline, then `HistoryStore.RecentResultsAsync`:");
        sb.AppendLine();
        sb.AppendLine("```");
        sb.AppendLine(read.Plan.TrimEnd());
        sb.AppendLine("```");
        return sb.ToString();
    }

    /// <summary>Elapsed milliseconds of <paramref name="run"/>.</summary>
    public static async Task<double> TimeAsync(Func<Task> run)
    {
        var clock = Stopwatch.StartNew();
        await run().ConfigureAwait(false);
        return clock.Elapsed.TotalMilliseconds;
    }
}
