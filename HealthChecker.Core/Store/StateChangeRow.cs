namespace HealthChecker.Core.Store;

/// <summary>
/// One health state transition as stored in <c>state_changes</c>. States are UNKNOWN, UP, DOWN and
/// MAINT (a paused target); <see cref="Status"/> is the code of the check that caused the change.
/// </summary>
public readonly record struct StateChangeRow(
    long TargetId,
    DateTime At,
    string FromState,
    string ToState,
    string? Status,
    string? Info,
    int? DurationMs);
