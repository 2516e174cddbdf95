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
