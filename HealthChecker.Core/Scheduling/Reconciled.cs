using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Scheduling;

/// <summary>What <see cref="TargetScheduler.ReconcileAsync"/> did: the targets added and removed, and how many were changed or left alone.</summary>
public sealed record Reconciled(
    IReadOnlyList<(TargetDefinition Definition, long? Id)> Added,
    int Changed,
    IReadOnlyList<TargetSnapshot> Removed,
    int Unchanged)
{
    public ReloadSummary Summary => new(Added.Count, Changed, Removed.Count, Unchanged);
}
