namespace HealthChecker.Web.Monitoring;

/// <summary>How the hosted check engine runs: the <c>HealthChecker:Monitor</c> section (and <c>HC_RETENTION_DAYS</c>).</summary>
public sealed record MonitorOptions
{
    public const string Section = "HealthChecker:Monitor";

    /// <summary>Event loops; the processor count when unset.</summary>
    public int? Loops { get; init; }

    /// <summary>Checks in flight at once over all loops.</summary>
    public int MaxInFlight { get; init; } = 2000;

    /// <summary>Results held in memory while PostgreSQL is unreachable; beyond it the oldest are dropped and counted.</summary>
    public int ResultBuffer { get; init; } = 1_000_000;

    /// <summary>Days of raw results kept in <c>check_results</c>; state changes and rollups are kept.</summary>
    public int RetentionDays { get; init; } = 30;

    /// <summary>How often the run's row in <c>monitor_runs</c> is refreshed.</summary>
    public int HeartbeatSeconds { get; init; } = 30;

    /// <summary>Add the two example targets at the first start of an empty database.</summary>
    public bool SeedExamples { get; init; } = true;
}
