using HealthChecker.Core.Health;
using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// A target as of its latest check or change, immutable: built when a reader asks (and kept until the target
/// changes again), so that checking costs no object per check. <see cref="NextCheckAt"/> is the due time last
/// set (it stays while that check runs); null in maintenance. <see cref="Recent"/> is newest first.
/// </summary>
public sealed record TargetSnapshot(
    string Target,
    long? Id,
    TargetDefinition Definition,
    TargetState State,
    string Display,
    int Health,
    RecentCheck? LastResult,
    DateTimeOffset LastChange,
    DateTimeOffset? NextCheckAt,
    IReadOnlyList<RecentCheck> Recent,
    long Checks)
{
    /// <summary>The order targets are listed in: by group, then by name (ordinal).</summary>
    public static int CompareByGroupAndName(TargetSnapshot a, TargetSnapshot b) =>
        TargetOrder.Compare(a.Definition.Group, a.Definition.Name, b.Definition.Group, b.Definition.Name);
}
