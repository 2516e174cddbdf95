using HealthChecker.Core.Checks;
using HealthChecker.Core.Health;

namespace HealthChecker.Core.Scheduling;

/// <summary>A target went UP, DOWN, into or out of MAINT; <see cref="Result"/> is the check that flipped it, if one did.</summary>
public sealed record TargetStateChange(
    string Target,
    long? Id,
    TargetState From,
    TargetState To,
    string Display,
    string Reason,
    CheckResult? Result,
    DateTimeOffset At);
