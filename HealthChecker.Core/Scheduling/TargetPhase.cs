namespace HealthChecker.Core.Scheduling;

/// <summary>Where a target is in its loop's schedule.</summary>
internal enum TargetPhase
{
    /// <summary>Not yet handed to its loop.</summary>
    New,

    /// <summary>In the loop's heap, waiting for its due time.</summary>
    Waiting,

    /// <summary>Due, queued for a free slot under the bound on checks in flight.</summary>
    Queued,

    /// <summary>A check is in flight.</summary>
    Running,

    /// <summary>In maintenance: not checked.</summary>
    Paused,

    /// <summary>Gone; a check still in flight is dropped when it ends.</summary>
    Removed,
}
