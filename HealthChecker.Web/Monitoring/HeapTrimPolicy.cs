namespace HealthChecker.Web.Monitoring;

/// <summary>
/// When to give memory back: once the number of scheduled targets has fallen by at least <see cref="MinimumDrop"/>
/// from its highest since the last time, and has stopped falling (the same count twice in a row), so that a
/// delete of 100 000 targets applied over many seconds asks for one collection at its end, not one per batch.
/// </summary>
public sealed class HeapTrimPolicy(int minimumDrop = HeapTrimPolicy.DefaultMinimumDrop)
{
    public const int DefaultMinimumDrop = 1000;

    private int _high;
    private int _last = -1;

    public int MinimumDrop => minimumDrop;

    /// <summary>Called at a steady pace with the number of scheduled targets; true when it is time to give memory back.</summary>
    public bool ShouldTrim(int scheduled)
    {
        var settled = scheduled == _last;
        _last = scheduled;
        _high = Math.Max(_high, scheduled);
        if (!settled || _high - scheduled < minimumDrop)
        {
            return false;
        }

        _high = scheduled;
        return true;
    }
}
