using System.Globalization;

namespace HealthChecker.Web.Components.Shared;

/// <summary>One value of a duration chart: a check's duration, or a bucket's mean (<see cref="Failed"/> marks a failure in it).</summary>
public readonly record struct ChartPoint(DateTime At, double Ms, bool Failed);

/// <summary>One cell of a pass/fail strip: the checks that ran in [<see cref="From"/>, <see cref="To"/>).</summary>
public readonly record struct StripCell(DateTime From, DateTime To, int Passed, int Failed);

/// <summary>Maps times and values onto an SVG drawing area; numbers printed with invariant culture.</summary>
public readonly record struct ChartScale(DateTime From, DateTime To, double Left, double Width)
{
    public double X(DateTime at)
    {
        var span = (To - From).Ticks;
        var x = span <= 0 ? 0 : (double)(at - From).Ticks / span;
        return Left + Math.Clamp(x, 0, 1) * Width;
    }

    public static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A round top for the value axis at or above <paramref name="max"/>: 1, 2 or 5 times a power of ten.</summary>
    public static double NiceMax(double max)
    {
        if (max <= 1)
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (step * power >= max)
            {
                return step * power;
            }
        }

        return 10 * power;
    }
}
