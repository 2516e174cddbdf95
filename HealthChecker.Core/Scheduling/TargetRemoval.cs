namespace HealthChecker.Core.Scheduling;

/// <summary>A target was removed from the scheduler at <see cref="At"/>, for <see cref="Reason"/>.</summary>
public sealed record TargetRemoval(string Target, long? Id, DateTimeOffset At)
{
    public RemovalReason Reason { get; init; } = RemovalReason.Deleted;
}

/// <summary>Why a target left the scheduler: whether it is gone, or checked elsewhere from now on.</summary>
public enum RemovalReason
{
    /// <summary>Deleted, renamed, or its name taken by another id: the target as it was is no more.</summary>
    Deleted,

    /// <summary>Its shard went to another node, which goes on checking it: nothing about it ended.</summary>
    HandedOver,
}
