using System.Globalization;

namespace HealthChecker.Cli;

/// <summary>HAProxy-style durations: 500ms, 2s, 1m, 1h; a bare number is milliseconds.</summary>
public static class Duration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        string t = text.Trim();
        (string number, double unitMs) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (t[..^2], 1.0),
            _ when t.EndsWith("us", StringComparison.OrdinalIgnoreCase) => (t[..^2], 0.001),
            _ when t.EndsWith('s') || t.EndsWith('S') => (t[..^1], 1000.0),
            _ when t.EndsWith('m') || t.EndsWith('M') => (t[..^1], 60_000.0),
            _ when t.EndsWith('h') || t.EndsWith('H') => (t[..^1], 3_600_000.0),
            _ => (t, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value)
            || value <= 0 || value * unitMs > int.MaxValue)
        {
            return false;
        }
        duration = TimeSpan.FromMilliseconds(value * unitMs);
        return true;
    }
}
