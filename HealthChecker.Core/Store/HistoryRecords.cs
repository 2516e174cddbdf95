namespace HealthChecker.Core.Store;

/// <summary>One row of the <c>check_history</c> view.</summary>
public sealed record CheckHistoryRecord(
    long TargetId,
    string GroupName,
    string TargetName,
    DateTime CheckedAt,
    string Status,
    bool Passed,
    int DurationMs,
    short? HttpCode,
    string? Info);

/// <summary>One stored result as a chart needs it: see <see cref="HistoryStore.ResultPointsAsync"/>.</summary>
public readonly record struct ResultPoint(DateTime CheckedAt, bool Passed, int DurationMs);

/// <summary>One row of the <c>state_intervals</c> view; <see cref="EndedAt"/> is the query time for the ongoing period.</summary>
public sealed record StateIntervalRecord(
    long TargetId,
    string State,
    DateTime StartedAt,
    DateTime EndedAt,
    double Seconds,
    bool Ongoing,
    bool MonitorDown,
    string? Status,
    string? Info);

/// <summary>One row of the <c>availability_daily</c> view (a UTC day); <see cref="UptimePct"/> is null without up or down time.</summary>
public sealed record AvailabilityDayRecord(
    long TargetId,
    string GroupName,
    string TargetName,
    DateTime Day,
    double UpSeconds,
    double DownSeconds,
    double MaintSeconds,
    double UnknownSeconds,
    decimal? UptimePct);

/// <summary>One bucket of <c>rollup_minute</c>, <c>rollup_hour</c> or <c>rollup_day</c>: check counts, durations and seconds per state.</summary>
public sealed record RollupRecord(
    DateTime Bucket,
    int Checks,
    int Passed,
    int Failed,
    long DurationMsSum,
    int? DurationMsMax,
    double UpSeconds,
    double DownSeconds,
    double UnknownSeconds,
    double MaintSeconds)
{
    /// <summary>Mean check duration in the bucket; null without checks.</summary>
    public double? DurationMsMean => Checks == 0 ? null : (double)DurationMsSum / Checks;
}

/// <summary>The rollup tables, finest first.</summary>
public enum RollupGrain
{
    Minute,
    Hour,
    Day,
}

/// <summary>
/// Time-weighted availability of one target over the window ending at the query time, from
/// <c>state_intervals</c>. <see cref="UptimePct"/> is up / (up + down), as <c>availability_daily</c>
/// defines it: maintenance and unknown time are left out and reported apart; null without up or down time.
/// </summary>
public sealed record UptimeRecord(
    TimeSpan Window,
    double UpSeconds,
    double DownSeconds,
    double MaintSeconds,
    double UnknownSeconds,
    decimal? UptimePct);

/// <summary>One row of <c>state_changes</c> with its target's group and name.</summary>
public sealed record StateChangeRecord(
    long Id,
    long TargetId,
    string GroupName,
    string TargetName,
    DateTime At,
    string FromState,
    string ToState,
    string? Status,
    string? Info,
    int? DurationMs)
{
    /// <summary><c>group/name</c>.</summary>
    public string FullName => $"{GroupName}/{TargetName}";
}

/// <summary>
/// Which state changes to list: <see cref="Search"/> matches part of <c>group/name</c> (case-insensitive),
/// <see cref="Group"/> is an exact group, <see cref="State"/> the state entered (UP, DOWN, MAINT, UNKNOWN).
/// Null or empty means no restriction.
/// </summary>
public sealed record StateChangeFilter(string? Search = null, string? Group = null, string? State = null, long? TargetId = null);

/// <summary>Where a page of state changes starts: strictly older than this change (newest first order is <c>at</c>, then <c>id</c>).</summary>
public readonly record struct StateChangeCursor(DateTime At, long Id);

/// <summary>A page of state changes, newest first; <see cref="Next"/> is where the following page starts, null on the last page.</summary>
public sealed record StateChangePage(IReadOnlyList<StateChangeRecord> Changes, StateChangeCursor? Next);
