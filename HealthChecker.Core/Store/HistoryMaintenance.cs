using Dapper;
using Npgsql;
using Serilog;

namespace HealthChecker.Core.Store;

/// <summary>
/// The periodic jobs of the history tables, for the host to call: daily partitions created ahead
/// (at start-up and hourly), retention of raw results (daily), rollups and packed hours (every minute).
/// </summary>
public sealed class HistoryMaintenance(NpgsqlDataSource dataSource, ILogger log)
{
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(30);

    public const int DefaultDaysAhead = 7;

    private readonly ILogger _log = log.ForContext<HistoryMaintenance>();

    // A step that loses a deadlock to a target deletion is run again at once rather than a minute later.
    private readonly TransactionRetry _retry = new(log);

    /// <summary>
    /// Creates the daily partitions of <c>check_results</c> from <paramref name="firstDay"/> (today,
    /// UTC, by default) to <paramref name="daysAhead"/> days later; returns how many were missing.
    /// </summary>
    public async Task<int> EnsurePartitionsAsync(int daysAhead = DefaultDaysAhead, DateOnly? firstDay = null, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var created = await conn.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT hc_ensure_partitions(@DaysAhead, @FirstDay::date)",
            new { DaysAhead = daysAhead, FirstDay = firstDay?.ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct)).ConfigureAwait(false);
        if (created > 0)
        {
            _log.Information("Created {Count} daily partitions of check_results", created);
        }

        return created;
    }

    /// <summary>
    /// Drops the daily partitions of raw results that ended more than <paramref name="keep"/> ago
    /// (30 days by default) and forgets old batch ids; state changes and rollups are kept.
    /// Returns the partitions dropped.
    /// </summary>
    public async Task<IReadOnlyList<string>> ApplyRetentionAsync(TimeSpan? keep = null, CancellationToken ct = default)
    {
        var keepFor = keep ?? DefaultRetention;
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var dropped = (await conn.QueryAsync<string>(new CommandDefinition(
            "SELECT hc_drop_partitions_before(now() - @Keep)", new { Keep = keepFor }, cancellationToken: ct)).ConfigureAwait(false)).AsList();
        await conn.ExecuteAsync(new CommandDefinition(
            "DELETE FROM result_batches WHERE written_at < now() - interval '1 day'", cancellationToken: ct)).ConfigureAwait(false);
        // Packed hours are derived from the raw results: those that ended before the cutoff go too.
        await _retry.RunAsync("Deleting old packed hours", t => conn.ExecuteAsync(new CommandDefinition(
            "DELETE FROM result_hours WHERE hour < now() - @Keep - interval '1 hour'", new { Keep = keepFor }, cancellationToken: t)), ct).ConfigureAwait(false);
        if (dropped.Count > 0)
        {
            _log.Information("Retention ({Days} days) dropped {Partitions}", keepFor.TotalDays, dropped);
        }

        return dropped;
    }

    /// <summary>
    /// Brings the rollup tables up to now: the check counts of the results written since the last call and
    /// the seconds up/down/unknown/maint, in steps of at most six hours of history of each, each its own short
    /// transaction; returns the number of steps.
    /// </summary>
    public async Task<int> RefreshRollupsAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        for (var steps = 1; ; steps++)
        {
            if (await _retry.RunAsync("Refreshing the rollups", t => conn.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT hc_refresh_rollups()", cancellationToken: t)), ct).ConfigureAwait(false))
            {
                return steps;
            }
        }
    }

    /// <summary>
    /// Packs each target's results of every closed hour into one row of <c>result_hours</c> (and packs again
    /// the hours that received late results), in steps of at most six hours that hold results, each its own
    /// short transaction; returns the number of steps.
    /// </summary>
    public async Task<int> PackResultsAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        for (var steps = 1; ; steps++)
        {
            if (await _retry.RunAsync("Packing results", t => conn.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT hc_pack_results()", commandTimeout: 0, cancellationToken: t)), ct).ConfigureAwait(false))
            {
                return steps;
            }
        }
    }

    /// <summary>The daily partitions of <c>check_results</c> that exist, oldest first.</summary>
    public async Task<IReadOnlyList<DateOnly>> ListPartitionDaysAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var names = await conn.QueryAsync<string>(new CommandDefinition("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'check_results'::regclass AND c.relname ~ '^check_results_[0-9]{8}$'
            ORDER BY c.relname
            """, cancellationToken: ct)).ConfigureAwait(false);
        return names.Select(n => DateOnly.ParseExact(n[^8..], "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }
}
