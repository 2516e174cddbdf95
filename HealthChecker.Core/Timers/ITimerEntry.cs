namespace HealthChecker.Core.Timers;

/// <summary>Something with a deadline in the loop's timer heap.</summary>
internal interface ITimerEntry
{
    /// <summary>Stopwatch timestamp at which the entry is due.</summary>
    long Deadline { get; }

    /// <summary>Position in the heap, -1 when not in it; only the heap writes it.</summary>
    int TimerIndex { get; set; }

    /// <summary>Called on the loop thread once the deadline has passed and the entry left the heap.</summary>
    void Expire();
}
