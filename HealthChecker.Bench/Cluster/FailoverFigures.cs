using System.Globalization;
using HealthChecker.Testing;

namespace HealthChecker.Bench.Cluster;

/// <summary>
/// What the peers' record says of a <c>kill -9</c>, in the rules of <see cref="CheckTimeline"/>. Per target of the killed
/// node: the time from the kill to its first check (by another node), and the checks lost: the due times (an interval
/// apart from its last check before the kill) that passed before that first check, less the one it made, with a tenth
/// of an interval of slack for the check's own duration. The detection time implies the loss of a take-over at the very
/// moment the node was declared dead, its overdue targets checked at once. Double checks count over the whole record.
/// </summary>
internal sealed record FailoverFigures(
    int Owned, double TakeOverP50Seconds, double TakeOverMaxSeconds, int NeverCheckedAgain, long Lost, long LostImplied, long LostBeyondImplied,
    IReadOnlyList<string> DoubleChecks, double OthersLongestGapIntervals, long OthersLost)
{
    private const double Slack = 0.1;

    /// <param name="record">Each target's check times, by target index.</param>
    /// <param name="owned">The indices of the killed node's targets.</param>
    /// <param name="kill">When the killed node was sent SIGKILL (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</param>
    /// <param name="dead">When the surviving node first listed it Dead.</param>
    public static FailoverFigures From(long[][] record, IReadOnlySet<int> owned, long kill, long dead, TimeSpan interval)
    {
        var checks = Enumerable.Range(0, record.Length).ToDictionary(Name, i => record[i] ?? [], StringComparer.Ordinal);
        var timeline = new CheckTimeline(checks, interval);
        var ownedNames = owned.Select(Name).ToList();
        var others = Enumerable.Range(0, record.Length).Where(i => !owned.Contains(i)).Select(Name).ToList();

        var first = timeline.FirstCheckAfter(kill, ownedNames);
        var gaps = timeline.GapAcross(kill, ownedNames);
        double declared = timeline.Intervals(kill, dead);
        var takeOver = first.Values.Where(double.IsFinite).Select(f => f * interval.TotalSeconds).Order().ToList();
        long lost = 0, implied = 0, beyond = 0;
        foreach (var name in ownedNames.Where(n => double.IsFinite(first[n])))
        {
            // Both from the target's last check before the kill, in intervals.
            double last = first[name] - gaps[name];
            long made = LostIn(gaps[name]);
            long best = LostIn(Math.Max(declared, last + 1) - last);
            lost += made;
            implied += best;
            beyond += Math.Max(0, made - best);
        }

        var otherGaps = timeline.GapAcross(kill, others).Values.Where(double.IsFinite).ToList();
        return new FailoverFigures(
            owned.Count,
            takeOver.Count == 0 ? double.NaN : takeOver[takeOver.Count / 2],
            takeOver.Count == 0 ? double.NaN : takeOver[^1],
            ownedNames.Count - takeOver.Count,
            lost, implied, beyond,
            timeline.DoubleChecks(),
            otherGaps.DefaultIfEmpty(0).Max(),
            otherGaps.Sum(LostIn));
    }

    /// <summary>The due times a gap of <paramref name="intervals"/> between two checks skipped.</summary>
    private static long LostIn(double intervals) => Math.Max(0, (long)Math.Floor(intervals + Slack) - 1);

    private static string Name(int index) => index.ToString(CultureInfo.InvariantCulture);
}
