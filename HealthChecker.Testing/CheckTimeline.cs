using System.Diagnostics;
using System.Globalization;

namespace HealthChecker.Testing;

/// <summary>
/// What a peer that records each target's checks saw (times of <see cref="Stopwatch.GetTimestamp"/>, one clock for every
/// process on the machine), in intervals of the targets' own checks. With no spread, the scheduler
/// checks a target an interval after its last check ended, so one node's checks of a target are at least an interval
/// apart. Two checks closer than half an interval are a double check: two nodes with the same interval checking one
/// target always leave one gap of at most half of it between their checks.
/// </summary>
public sealed class CheckTimeline(IReadOnlyDictionary<string, long[]> checks, TimeSpan interval)
{
    private const double DoubleCheckIntervals = 0.5;

    /// <summary>The gap in intervals between two points of <see cref="Stopwatch.GetTimestamp"/>.</summary>
    public double Intervals(long from, long to) => (to - from) / (double)Stopwatch.Frequency / interval.TotalSeconds;

    /// <summary>Pairs of consecutive checks of one target closer than half an interval, the later one after <paramref name="since"/>.</summary>
    public IReadOnlyList<string> DoubleChecks(long since = long.MinValue) =>
        [.. checks.SelectMany(c => c.Value.Zip(c.Value.Skip(1))
            .Where(p => p.Second > since && Intervals(p.First, p.Second) < DoubleCheckIntervals)
            .Select(p => $"{c.Key}: {Intervals(p.First, p.Second):0.00} intervals apart"))];

    /// <summary>The longest gap between consecutive checks of each target among <paramref name="names"/> that spans <paramref name="at"/>, in intervals.</summary>
    public IReadOnlyDictionary<string, double> GapAcross(long at, IEnumerable<string> names) =>
        names.ToDictionary(n => n, n =>
        {
            var times = checks.GetValueOrDefault(n, []);
            var before = times.Where(t => t <= at).DefaultIfEmpty(at).Max();
            var after = times.Where(t => t > at).DefaultIfEmpty(long.MaxValue).Min();
            return after == long.MaxValue ? double.PositiveInfinity : Intervals(before, after);
        }, StringComparer.Ordinal);

    /// <summary>From <paramref name="at"/> to each target's first check after it, in intervals.</summary>
    public IReadOnlyDictionary<string, double> FirstCheckAfter(long at, IEnumerable<string> names) =>
        names.ToDictionary(n => n, n => checks.GetValueOrDefault(n, []).Where(t => t > at).Select(t => Intervals(at, t)).DefaultIfEmpty(double.PositiveInfinity).Min(),
            StringComparer.Ordinal);

    /// <summary>The longest gap between consecutive checks of any target, both after <paramref name="since"/>, in intervals.</summary>
    public double MaxGap(long since) =>
        checks.Values.SelectMany(t => t.Where(x => x > since).Zip(t.Where(x => x > since).Skip(1)).Select(p => Intervals(p.First, p.Second))).DefaultIfEmpty(0).Max();

    /// <summary>
    /// Targets checked more often after <paramref name="since"/> than one node would: their checks' mean gap is under
    /// three quarters of an interval (two nodes would halve it).
    /// </summary>
    public IReadOnlyList<string> CheckedByMoreThanOneNode(long since) =>
        [.. checks.Select(c => (c.Key, Times: c.Value.Where(t => t > since).ToArray()))
            .Where(c => c.Times.Length >= 2 && Intervals(c.Times[0], c.Times[^1]) / (c.Times.Length - 1) < 0.75)
            .Select(c => $"{c.Key}: {c.Times.Length} checks over {Intervals(c.Times[0], c.Times[^1]):0.0} intervals")];

    /// <summary>The median and the maximum of <paramref name="values"/>, for the test's output.</summary>
    public static string Summary(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0
            ? "none"
            : string.Create(CultureInfo.InvariantCulture, $"p50 {sorted[sorted.Count / 2]:0.00}, max {sorted[^1]:0.00} intervals over {sorted.Count} targets");
    }
}
