namespace HealthChecker.Core.Store;

/// <summary>One row of <c>targets</c>, as stored. Durations are in milliseconds; null ones default to <see cref="InterMs"/>.</summary>
public sealed record TargetRecord(
    long Id,
    string Name,
    string GroupName,
    string Kind,
    string Host,
    int Port,
    string Options,
    int InterMs,
    int? FastinterMs,
    int? DowninterMs,
    int? TimeoutMs,
    int Rise,
    int Fall,
    int SpreadPct,
    bool StartUp,
    bool Enabled,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary><c>group/name</c>, as the dashboard and the log show it.</summary>
    public string FullName => $"{GroupName}/{Name}";
}
