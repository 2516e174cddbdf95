namespace HealthChecker.Core.Store;

/// <summary>
/// One check's outcome as stored in <c>check_results</c>. <see cref="CheckedAt"/> is UTC (a time of
/// unspecified kind is taken as UTC, a local one converted).
/// </summary>
public readonly record struct CheckResultRow(
    long TargetId,
    DateTime CheckedAt,
    string Status,
    bool Passed,
    int DurationMs,
    short? HttpCode,
    string? Info);
