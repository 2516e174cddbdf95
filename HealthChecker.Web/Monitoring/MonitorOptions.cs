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

    /// <summary>
    /// This node's row in the cluster's membership table, which fences the writes of results, state changes and alert
    /// records; none for a node outside a cluster. Given by the node's silo once it runs one; a setting until then.
    /// </summary>
    public MemberOptions? Member { get; init; }
}

/// <summary>One membership row's key: <c>HealthChecker:Monitor:Member:ClusterId</c>, <c>:Address</c>, <c>:Port</c>, <c>:Generation</c>.</summary>
public sealed record MemberOptions
{
    public string ClusterId { get; init; } = "";

    public string Address { get; init; } = "";

    public int Port { get; init; }

    public int Generation { get; init; }

    public Core.Store.MembershipFence ToFence() =>
        string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(Address) || Port is < 1 or > 65535
            ? throw new InvalidOperationException($"{MonitorOptions.Section}:Member needs a ClusterId, an Address and a Port from 1 to 65535")
            : new(ClusterId, Address, Port, Generation);
}
