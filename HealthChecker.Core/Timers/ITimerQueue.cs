namespace HealthChecker.Core.Timers;

/// <summary>The timer heap an entry sits in, as the entry sees it: told when the entry's deadline moves.</summary>
internal interface ITimerQueue
{
    /// <summary>Restores the order after <paramref name="entry"/>'s deadline changed; loop thread only.</summary>
    void Retime(ITimerEntry entry);
}
