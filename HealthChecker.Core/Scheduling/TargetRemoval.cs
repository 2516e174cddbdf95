namespace HealthChecker.Core.Scheduling;

/// <summary>A target was removed from the scheduler (deleted, renamed, or its name taken by another id) at <see cref="At"/>.</summary>
public sealed record TargetRemoval(string Target, long? Id, DateTimeOffset At);
