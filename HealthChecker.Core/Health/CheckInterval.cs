namespace HealthChecker.Core.Health;

/// <summary>When the next check is due, HAProxy's way: counted from the end of the previous one.</summary>
public static class CheckInterval
{
    /// <summary><c>inter</c> when fully up, <c>fastinter</c> while changing, <c>downinter</c> when fully down.</summary>
    public static TimeSpan For(HealthState health, TimeSpan inter, TimeSpan fastInter, TimeSpan downInter) =>
        health.IsFullyDown ? downInter : health.IsTransitional ? fastInter : inter;

    /// <summary>Adds a uniform jitter of ±<paramref name="spreadPercent"/>% (0–50); <paramref name="unit"/> is a draw in [0, 1).</summary>
    public static TimeSpan Spread(TimeSpan interval, int spreadPercent, double unit)
    {
        if (spreadPercent <= 0)
        {
            return interval;
        }

        var factor = 1 + (spreadPercent / 100.0 * ((2 * unit) - 1));
        return TimeSpan.FromTicks((long)(interval.Ticks * factor));
    }

    /// <summary>
    /// The first check of target <paramref name="index"/> of <paramref name="count"/>: evenly over the first
    /// interval, so that thousands of targets added at once do not fire together.
    /// </summary>
    public static TimeSpan FirstDelay(int index, int count, TimeSpan inter) =>
        count <= 1 ? TimeSpan.Zero : TimeSpan.FromTicks(inter.Ticks * index / count);

    /// <summary>
    /// The wait after the catch-up check (ended at <paramref name="end"/>) of a target resumed past its due time
    /// <paramref name="missedDue"/>: to the first time on its old grid, <c>missedDue + k × interval</c> (k ≥ 1), at least half an
    /// interval after that check. Overdue targets all caught up at once so keep their phases, not one band.
    /// </summary>
    public static TimeSpan AfterCatchUp(DateTimeOffset missedDue, TimeSpan interval, DateTimeOffset end)
    {
        if (interval <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        long needed = (end + (interval / 2) - missedDue).Ticks;
        long steps = needed <= interval.Ticks ? 1 : (needed + interval.Ticks - 1) / interval.Ticks;
        return missedDue + TimeSpan.FromTicks(steps * interval.Ticks) - end;
    }

    /// <summary>The connect timeout: <c>min(timeout connect, inter)</c>.</summary>
    public static TimeSpan ConnectTimeout(TimeSpan timeoutConnect, TimeSpan inter) => timeoutConnect < inter ? timeoutConnect : inter;
}
