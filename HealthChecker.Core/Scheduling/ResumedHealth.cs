using HealthChecker.Core.Health;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// Where a target stood when it was last checked, as the store has it (before a restart, or on the node that checked it
/// before): its last recorded state and when its last stored check ended. A target added with it goes on from there.
/// </summary>
public readonly record struct ResumedHealth(TargetState State, DateTimeOffset? LastCheckAt);
