using HealthChecker.Core.Health;
using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// A target as of its latest check or change, immutable: the loop publishes a new one each time and
/// readers (a dashboard) take it without a lock. <see cref="NextCheckAt"/> is the due time last set
/// (it stays while that check runs); null in maintenance.
/// </summary>
public sealed record TargetSnapshot(
    string Target,
    long? Id,
    TargetDefinition Definition,
    TargetState State,
    string Display,
    int Health,
    TargetCheckResult? LastResult,
    DateTimeOffset LastChange,
    DateTimeOffset? NextCheckAt,
    IReadOnlyList<TargetCheckResult> Recent,
    long Checks)
{
    /// <summary>The order targets are listed in: by group, then by name (ordinal).</summary>
    public static int CompareByGroupAndName(TargetSnapshot a, TargetSnapshot b) =>
        TargetOrder.Compare(a.Definition.Group, a.Definition.Name, b.Definition.Group, b.Definition.Name);
}
