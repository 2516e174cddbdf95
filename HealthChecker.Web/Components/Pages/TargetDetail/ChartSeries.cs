using HealthChecker.Core.Store;
using HealthChecker.Web.Components.Shared;

namespace HealthChecker.Web.Components.Pages.TargetDetail;

/// <summary>Turns stored results and rollups into chart points and strip cells, oldest first.</summary>
internal static class ChartSeries
{
    /// <summary>From raw results (newest first, as read): one point and one cell per check, a cell reaching to the next check.</summary>
    public static (List<ChartPoint> Points, List<StripCell> Cells) FromResults(IReadOnlyList<ResultPoint> newestFirst, DateTime to)
    {
        var points = new List<ChartPoint>(newestFirst.Count);
        var cells = new List<StripCell>(newestFirst.Count);
        for (var i = newestFirst.Count - 1; i >= 0; i--)
        {
            var result = newestFirst[i];
            var at = result.CheckedAt.ToUniversalTime();
            var next = i > 0 ? newestFirst[i - 1].CheckedAt.ToUniversalTime() : to;
            points.Add(new ChartPoint(at, result.DurationMs, !result.Passed));
            cells.Add(new StripCell(at, next, result.Passed ? 1 : 0, result.Passed ? 0 : 1));
        }

        return (points, cells);
    }

    /// <summary>From rollup buckets (oldest first): the mean duration per bucket with checks, a cell per bucket.</summary>
    public static (List<ChartPoint> Points, List<StripCell> Cells) FromRollups(IReadOnlyList<RollupRecord> buckets, RollupGrain grain)
    {
        var step = grain switch
        {
            RollupGrain.Minute => TimeSpan.FromMinutes(1),
            RollupGrain.Hour => TimeSpan.FromHours(1),
            _ => TimeSpan.FromDays(1),
        };
        var points = new List<ChartPoint>(buckets.Count);
        var cells = new List<StripCell>(buckets.Count);
        foreach (var bucket in buckets)
        {
            if (bucket.DurationMsMean is not { } mean)
            {
                // Seconds only (refreshed state time), no checks: nothing to draw.
                continue;
            }

            var at = bucket.Bucket.ToUniversalTime();
            points.Add(new ChartPoint(at, mean, bucket.Failed > 0));
            cells.Add(new StripCell(at, at + step, bucket.Passed, bucket.Failed));
        }

        return (points, cells);
    }

    /// <summary>The start of the bucket holding <paramref name="at"/>, so that the first bucket of a range is read whole.</summary>
    public static DateTime Floor(DateTime at, RollupGrain grain)
    {
        var utc = at.ToUniversalTime();
        return grain switch
        {
            RollupGrain.Minute => new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc),
            RollupGrain.Hour => new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc),
            _ => utc.Date,
        };
    }
}
