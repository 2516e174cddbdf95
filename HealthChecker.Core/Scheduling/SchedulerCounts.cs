namespace HealthChecker.Core.Scheduling;

/// <summary>Targets by state and checks completed, for a one-line summary.</summary>
public readonly record struct SchedulerCounts(int Targets, int Up, int Down, int Maint, long Checks);
