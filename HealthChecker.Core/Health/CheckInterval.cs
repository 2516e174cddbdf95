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

    /// <summary>The connect timeout: <c>min(timeout connect, inter)</c>.</summary>
    public static TimeSpan ConnectTimeout(TimeSpan timeoutConnect, TimeSpan inter) => timeoutConnect < inter ? timeoutConnect : inter;
}
