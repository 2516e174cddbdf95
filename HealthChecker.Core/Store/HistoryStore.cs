using System.Buffers.Binary;
using Dapper;
using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>Reads the history views for the dashboard: one query per page, never one per target.</summary>
public sealed class HistoryStore(NpgsqlDataSource dataSource) : ITargetHistory, IStateChangeLog
{
    /// <summary>The query of <see cref="RecentResultsAsync"/> (parameters @TargetId, @Since, @Limit), public for plans and benchmarks.</summary>
    public const string RecentResultsSql = """
        SELECT target_id AS TargetId, group_name AS GroupName, target_name AS TargetName, checked_at AS CheckedAt, status AS Status,
               passed AS Passed, duration_ms AS DurationMs, http_code AS HttpCode, info AS Info
        FROM check_history
        WHERE target_id = @TargetId AND checked_at >= @Since
        ORDER BY checked_at DESC
        LIMIT @Limit
        """;

    /// <summary>A target's results since <paramref name="since"/>, newest first.</summary>
    public async Task<IReadOnlyList<CheckHistoryRecord>> RecentResultsAsync(long targetId, DateTime since, int limit = 1000, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await conn.QueryAsync<CheckHistoryRecord>(new CommandDefinition(
            RecentResultsSql, new { TargetId = targetId, Since = AsUtc(since), Limit = limit }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>
    /// The raw part of <see cref="ResultPointsAsync"/> (parameters $1 target, $2 from, $3 to): the results
    /// from where <c>result_hours</c> ends, newest first, with only columns the covering index
    /// <c>(target_id, checked_at DESC) INCLUDE (passed, duration_ms)</c> holds, so PostgreSQL answers from
    /// the index alone. Without the subquery on <c>result_hours_progress</c> it is the plain index-only read.
    /// </summary>
    public const string RawPointsSql = """
        SELECT checked_at, passed, duration_ms
        FROM check_results
        WHERE target_id = $1 AND checked_at >= greatest($2, (SELECT packed_to FROM result_hours_progress)) AND checked_at < $3
        ORDER BY checked_at DESC
        """;

    /// <summary>The packed part of <see cref="ResultPointsAsync"/>: whole hours of <c>result_hours</c>, newest first.</summary>
    public const string PackedPointsSql = """
        SELECT points
        FROM result_hours
        WHERE target_id = $1 AND hour >= date_trunc('hour', $2::timestamptz, 'UTC') AND hour < $3
          AND hour < (SELECT packed_to FROM result_hours_progress)
        ORDER BY hour DESC
        """;

    /// <summary>
    /// A target's results in [<paramref name="from"/>, <paramref name="to"/>) as a chart needs them (when,
    /// passed, how long), newest first. A day of results every second is 86 400 points: the hours packed
    /// by <c>hc_pack_results()</c> come as 24 rows of <c>result_hours</c>, the rest from the covering index
    /// of <c>check_results</c>, both in one snapshot. Results written late into an hour already packed show
    /// once the hour is packed again (the next call of the app's per-minute job).
    /// </summary>
    public async Task<IReadOnlyList<ResultPoint>> ResultPointsAsync(long targetId, DateTime from, DateTime to, CancellationToken ct = default)
    {
        // PostgreSQL keeps microseconds: the bounds the packed hours are cut at in here must be the ones the server sees.
        from = ToMicroseconds(AsUtc(from));
        to = ToMicroseconds(AsUtc(to));
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        // Npgsql sends BEGIN with the batch: one round trip for both reads, one for the commit.
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(conn, tx)
        {
            BatchCommands = { PointsCommand(RawPointsSql, targetId, from, to), PointsCommand(PackedPointsSql, targetId, from, to) },
        };
        var points = new List<ResultPoint>();
        await using (var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                points.Add(new ResultPoint(reader.GetFieldValue<DateTime>(0), reader.GetBoolean(1), reader.GetInt32(2)));
            }

            await reader.NextResultAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                UnpackNewestFirst(reader.GetFieldValue<byte[]>(0), from, to, points);
            }
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return points;
    }

    /// <summary>Size of one result in <c>result_hours.points</c> (db/0050_packed_hours.sql has the layout).</summary>
    private const int PackedSize = 13;

    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    /// <summary>Adds the packed results within [from, to) to <paramref name="points"/>, newest first.</summary>
    private static void UnpackNewestFirst(ReadOnlySpan<byte> packed, DateTime from, DateTime to, List<ResultPoint> points)
    {
        if (packed.Length % PackedSize != 0)
        {
            throw new InvalidDataException($"result_hours.points holds {packed.Length} bytes, not a multiple of {PackedSize}");
        }

        for (var offset = packed.Length - PackedSize; offset >= 0; offset -= PackedSize)
        {
            var one = packed.Slice(offset, PackedSize);
            var at = new DateTime(PostgresEpochTicks + BinaryPrimitives.ReadInt64BigEndian(one) * TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);
            if (at >= from && at < to)
            {
                points.Add(new ResultPoint(at, one[12] != 0, BinaryPrimitives.ReadInt32BigEndian(one[8..])));
            }
        }
    }

    private static DateTime ToMicroseconds(DateTime at) => new(at.Ticks - at.Ticks % TimeSpan.TicksPerMicrosecond, at.Kind);

    private static NpgsqlBatchCommand PointsCommand(string sql, long targetId, DateTime from, DateTime to) => new(sql)
    {
        Parameters =
        {
            new NpgsqlParameter<long> { TypedValue = targetId },
            new NpgsqlParameter<DateTime> { TypedValue = from },
            new NpgsqlParameter<DateTime> { TypedValue = to },
        },
    };

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

    /// <summary>A target's rollup buckets that start in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public async Task<IReadOnlyList<RollupRecord>> RollupsAsync(long targetId, RollupGrain grain, DateTime from, DateTime to, CancellationToken ct = default)
    {
        // The table name comes from the enum, never from the caller's text.
        var table = grain switch
        {
            RollupGrain.Minute => "rollup_minute",
            RollupGrain.Hour => "rollup_hour",
            RollupGrain.Day => "rollup_day",
            _ => throw new ArgumentOutOfRangeException(nameof(grain), grain, null),
        };
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await conn.QueryAsync<RollupRecord>(new CommandDefinition($"""
            SELECT bucket AS Bucket, checks AS Checks, passed AS Passed, failed AS Failed, duration_ms_sum AS DurationMsSum,
                   duration_ms_max AS DurationMsMax, up_seconds AS UpSeconds, down_seconds AS DownSeconds,
                   unknown_seconds AS UnknownSeconds, maint_seconds AS MaintSeconds
            FROM {table}
            WHERE target_id = @TargetId AND bucket >= @From AND bucket < @To
            ORDER BY bucket
            """, new { TargetId = targetId, From = AsUtc(from), To = AsUtc(to) }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>
    /// A target's time-weighted uptime over each window ending at <paramref name="to"/> (at most now: the
    /// ongoing period ends at the query time), from <c>state_intervals</c> clipped to the window; in the order given.
    /// </summary>
    public async Task<IReadOnlyList<UptimeRecord>> UptimeAsync(long targetId, DateTime to, IReadOnlyList<TimeSpan> windows, CancellationToken ct = default)
    {
        if (windows.Count == 0)
        {
            return [];
        }

        var longest = windows.Max();
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        // The view is read once, for the longest window; each window clips those periods.
        var rows = await conn.QueryAsync<UptimeRow>(new CommandDefinition("""
            WITH si AS MATERIALIZED (
                SELECT state, period
                FROM state_intervals
                WHERE target_id = @TargetId AND period && tstzrange(@To - make_interval(secs => @Longest), @To)
            ),
            w AS (
                SELECT secs FROM unnest(@Windows) AS secs
            ),
            parts AS (
                SELECT w.secs, si.state, extract(epoch FROM upper(p) - lower(p))::double precision AS seconds
                FROM w
                JOIN si ON true
                CROSS JOIN LATERAL (SELECT si.period * tstzrange(@To - make_interval(secs => w.secs), @To) AS p) clipped
                WHERE NOT isempty(p)
            )
            SELECT w.secs AS WindowSeconds,
                   coalesce(sum(parts.seconds) FILTER (WHERE parts.state = 'UP'), 0) AS UpSeconds,
                   coalesce(sum(parts.seconds) FILTER (WHERE parts.state = 'DOWN'), 0) AS DownSeconds,
                   coalesce(sum(parts.seconds) FILTER (WHERE parts.state = 'MAINT'), 0) AS MaintSeconds,
                   coalesce(sum(parts.seconds) FILTER (WHERE parts.state = 'UNKNOWN'), 0) AS UnknownSeconds,
                   round((100 * sum(parts.seconds) FILTER (WHERE parts.state = 'UP')
                          / nullif(sum(parts.seconds) FILTER (WHERE parts.state IN ('UP', 'DOWN')), 0))::numeric, 3) AS UptimePct
            FROM w
            LEFT JOIN parts ON parts.secs = w.secs
            GROUP BY w.secs
            """, new
        {
            TargetId = targetId,
            To = AsUtc(to),
            Longest = longest.TotalSeconds,
            Windows = windows.Select(w => w.TotalSeconds).ToArray(),
        }, cancellationToken: ct)).ConfigureAwait(false);
        var bySeconds = rows.ToDictionary(r => r.WindowSeconds);
        return [.. windows.Select(w =>
        {
            var r = bySeconds[w.TotalSeconds];
            return new UptimeRecord(w, r.UpSeconds, r.DownSeconds, r.MaintSeconds, r.UnknownSeconds, r.UptimePct);
        })];
    }

    /// <summary>
    /// State changes across targets, newest first, restricted by <paramref name="filter"/>, starting after
    /// <paramref name="after"/> (keyset paging: a page does not shift when new changes arrive).
    /// </summary>
    public async Task<StateChangePage> StateChangesAsync(StateChangeFilter filter, int pageSize, StateChangeCursor? after = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var where = new List<string>();
        var args = new DynamicParameters();
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            // strpos, not LIKE: a % or _ typed in the box is matched as itself.
            where.Add("strpos(lower(t.group_name || '/' || t.name), lower(@Search)) > 0");
            args.Add("Search", filter.Search.Trim());
        }
        if (!string.IsNullOrEmpty(filter.Group))
        {
            where.Add("t.group_name = @Group");
            args.Add("Group", filter.Group);
        }
        if (!string.IsNullOrEmpty(filter.State))
        {
            where.Add("sc.to_state = @State");
            args.Add("State", filter.State);
        }
        if (filter.TargetId is { } targetId)
        {
            where.Add("sc.target_id = @TargetId");
            args.Add("TargetId", targetId);
        }
        if (after is { } cursor)
        {
            where.Add("(sc.at, sc.id) < (@AfterAt, @AfterId)");
            args.Add("AfterAt", AsUtc(cursor.At));
            args.Add("AfterId", cursor.Id);
        }
        // One more than a page tells whether another page follows.
        args.Add("Limit", pageSize + 1);

        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = (await conn.QueryAsync<StateChangeRecord>(new CommandDefinition($"""
            SELECT sc.id AS Id, sc.target_id AS TargetId, t.group_name AS GroupName, t.name AS TargetName, sc.at AS At,
                   sc.from_state AS FromState, sc.to_state AS ToState, sc.status AS Status, sc.info AS Info, sc.duration_ms AS DurationMs
            FROM state_changes sc
            JOIN targets t ON t.id = sc.target_id
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY sc.at DESC, sc.id DESC
            LIMIT @Limit
            """, args, cancellationToken: ct)).ConfigureAwait(false)).AsList();
        if (rows.Count <= pageSize)
        {
            return new StateChangePage(rows, null);
        }

        rows.RemoveAt(pageSize);
        var last = rows[^1];
        return new StateChangePage(rows, new StateChangeCursor(last.At, last.Id));
    }

    /// <summary>The groups that have targets, in order, for filters.</summary>
    public async Task<IReadOnlyList<string>> GroupsAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await conn.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT group_name FROM targets ORDER BY group_name", cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }

    private sealed record UptimeRow(double WindowSeconds, double UpSeconds, double DownSeconds, double MaintSeconds, double UnknownSeconds, decimal? UptimePct);

    private static DateTime AsUtc(DateTime t) => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
