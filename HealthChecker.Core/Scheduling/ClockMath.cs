namespace HealthChecker.Core.Scheduling;

/// <summary>TimeSpans to and from a clock's timestamp units, exactly (Int128: hours times a GHz frequency overflow a long).</summary>
internal static class ClockMath
{
    public static long ToTicks(TimeSpan span, long frequency) =>
        (long)((Int128)span.Ticks * frequency / TimeSpan.TicksPerSecond);

    public static TimeSpan ToSpan(long ticks, long frequency) =>
        TimeSpan.FromTicks((long)((Int128)ticks * TimeSpan.TicksPerSecond / frequency));

    public static long Convert(long ticks, long from, long to) =>
        from == to ? ticks : (long)((Int128)ticks * to / from);
}
