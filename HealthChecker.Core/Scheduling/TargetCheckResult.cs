using HealthChecker.Core.Checks;
using HealthChecker.Core.Health;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// One scheduled check of a target: the result, when it was due, how long after that it started
/// (apart from the check's own <see cref="CheckResult.DurationMs"/>), and the health display after it.
/// <see cref="QueueDelay"/> is the actual start minus the planned start (<see cref="ScheduledAt"/>): the wait
/// for a free slot plus the loop's own lateness in waking, so <c>ScheduledAt + QueueDelay</c> is when it started.
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
