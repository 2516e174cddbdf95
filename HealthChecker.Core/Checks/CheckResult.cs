using HealthChecker.Core.Connections;

namespace HealthChecker.Core.Checks;

/// <summary>What one check found: status, why (info), how long it took, and what it cost.</summary>
public sealed record CheckResult(
    CheckTarget Target,
    CheckStatus Status,
    string Info,
    long DurationMs,
    ConnectionCounters Counters)
{
    public string Code => Status.Code();

    public string Description => Status.Description();

    public bool Passed => Status.Passes();

    /// <summary>The HTTP status code, for HTTP checks that got one.</summary>
    public int? HttpCode { get; init; }

    public override string ToString() =>
        Info.Length == 0
            ? $"{Target} {Code} {Description}, {DurationMs} ms"
            : $"{Target} {Code} {Description}, info: \"{Info}\", {DurationMs} ms";
}
