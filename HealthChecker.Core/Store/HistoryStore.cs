using Dapper;
using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>Reads the history views for the dashboard: one query per page, never one per target.</summary>
public sealed class HistoryStore(NpgsqlDataSource dataSource)
{
    /// <summary>A target's results since <paramref name="since"/>, newest first.</summary>
    public async Task<IReadOnlyList<CheckHistoryRecord>> RecentResultsAsync(long targetId, DateTime since, int limit = 1000, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await conn.QueryAsync<CheckHistoryRecord>(new CommandDefinition("""
            SELECT target_id AS TargetId, group_name AS GroupName, target_name AS TargetName, checked_at AS CheckedAt, status AS Status,
                   passed AS Passed, duration_ms AS DurationMs, http_code AS HttpCode, info AS Info
            FROM check_history
            WHERE target_id = @TargetId AND checked_at >= @Since
            ORDER BY checked_at DESC
            LIMIT @Limit
            """, new { TargetId = targetId, Since = AsUtc(since), Limit = limit }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>A target's state periods that overlap [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public async Task<IReadOnlyList<StateIntervalRecord>> StateIntervalsAsync(long targetId, DateTime from, DateTime to, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await conn.QueryAsync<StateIntervalRecord>(new CommandDefinition("""
            SELECT target_id AS TargetId, state AS State, started_at AS StartedAt, ended_at AS EndedAt, seconds AS Seconds,
                   ongoing AS Ongoing, monitor_down AS MonitorDown, status AS Status, info AS Info
            FROM state_intervals
            WHERE target_id = @TargetId AND period && tstzrange(@From, @To)
            ORDER BY started_at
            """, new { TargetId = targetId, From = AsUtc(from), To = AsUtc(to) }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>Every target's availability for the UTC days from <paramref name="from"/> to <paramref name="to"/> included.</summary>
    public async Task<IReadOnlyList<AvailabilityDayRecord>> AvailabilityDailyAsync(DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await conn.QueryAsync<AvailabilityDayRecord>(new CommandDefinition("""
            SELECT target_id AS TargetId, group_name AS GroupName, target_name AS TargetName, day::timestamp AS Day, up_seconds AS UpSeconds,
                   down_seconds AS DownSeconds, maint_seconds AS MaintSeconds, unknown_seconds AS UnknownSeconds, uptime_pct AS UptimePct
            FROM availability_daily
            WHERE day BETWEEN @From::date AND @To::date
            ORDER BY group_name, target_name, day
            """, new { From = from.ToDateTime(TimeOnly.MinValue), To = to.ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }

    private static DateTime AsUtc(DateTime t) => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
