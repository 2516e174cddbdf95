using HealthChecker.Core.Checks;
using HealthChecker.Core.Health;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// One scheduled check of a target: the result, when it was due, how long it waited for a free slot
/// (apart from the check's own <see cref="CheckResult.DurationMs"/>), and the health display after it.
/// </summary>
public sealed record TargetCheckResult(
    string Target,
    long? Id,
    CheckResult Result,
    DateTimeOffset ScheduledAt,
    TimeSpan QueueDelay,
    DateTimeOffset CompletedAt,
    TargetState State,
    string Display);
