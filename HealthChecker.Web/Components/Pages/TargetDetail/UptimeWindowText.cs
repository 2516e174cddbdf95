using System.Globalization;
using HealthChecker.Core.Store;
using HealthChecker.Web.Components.Shared;

namespace HealthChecker.Web.Components.Pages.TargetDetail;

/// <summary>
/// One uptime window as the target page shows it. The percentage is up / (up + down), so the down time is shown
/// with the observed time it is a share of; neither reads as a round figure the other contradicts (no "down 0s"
/// beside 86 %, no "100 %" beside down time).
/// </summary>
public sealed record UptimeWindowText(string Window, string Percent, string Split)
{
    public static UptimeWindowText From(UptimeRecord uptime)
    {
        var observed = uptime.UpSeconds + uptime.DownSeconds;
        var split = $"down {Duration(uptime.DownSeconds)}";
        if (observed > 0)
        {
            split += $" of {Duration(observed)} observed";
        }
        if (uptime.MaintSeconds > 0)
        {
            split += $" · paused {Duration(uptime.MaintSeconds)}";
        }
        if (uptime.UnknownSeconds > 0)
        {
            split += $" · unknown {Duration(uptime.UnknownSeconds)}";
        }
        return new UptimeWindowText(Name(uptime.Window), PercentOf(uptime.UpSeconds, uptime.DownSeconds), split);
    }

    /// <summary>Up share of the observed time to three decimals; any down time keeps it below 100, any up time above 0.</summary>
    private static string PercentOf(double up, double down)
    {
        if (up + down <= 0)
        {
            return "—";
        }
        var pct = Math.Round(100 * up / (up + down), 3, MidpointRounding.ToZero);
        if (down > 0 && pct >= 100)
        {
            pct = 99.999;
        }
        else if (up > 0 && pct <= 0)
        {
            pct = 0.001;
        }
        return pct.ToString("0.###", CultureInfo.InvariantCulture) + " %";
    }

    /// <summary>A duration in whole units, where time under a second reads as <c>&lt;1s</c>, not <c>0s</c>.</summary>
    private static string Duration(double seconds) =>
        seconds is > 0 and < 1 ? "<1s" : Ago.Span(TimeSpan.FromSeconds(seconds));

    private static string Name(TimeSpan window) =>
        window.TotalDays >= 1 ? $"{window.TotalDays:0} d" : $"{window.TotalHours:0} h";
}
