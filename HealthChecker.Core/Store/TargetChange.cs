namespace HealthChecker.Core.Store;

/// <summary>What happened to a target.</summary>
public enum TargetChangeKind
{
    Created,
    Updated,
    Deleted,
    Paused,
    Resumed,
}

/// <summary>One committed change to one target, by id.</summary>
public sealed record TargetChange(long Id, TargetChangeKind Kind);
