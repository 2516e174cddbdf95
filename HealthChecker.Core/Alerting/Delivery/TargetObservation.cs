using HealthChecker.Core.Health;

namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>A target's settled state as the evaluator learns it (a state change, or its first check after start).</summary>
public sealed record TargetObservation(
    string Group,
    string Name,
    long? Id,
    TargetState State,
    DateTimeOffset At,
    string? Code,
    string? Info,
    string Description)
{
    public string Target => $"{Group}/{Name}";

    /// <summary>The target's <c>depends-on</c> when it was observed: its alerts are held back while that one is DOWN.</summary>
    public string? DependsOn { get; init; }
}
