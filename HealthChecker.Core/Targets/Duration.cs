using System.Globalization;

namespace HealthChecker.Core.Targets;

/// <summary>Durations as people write them in targets files and forms: <c>500ms</c>, <c>2s</c>, <c>1m</c>, <c>1h</c>.</summary>
public static class Duration
{
    private static readonly (string Suffix, long Millis)[] Units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        // "ms" before "s" and "m": the longest suffix that matches wins.
        foreach (var (suffix, millis) in Units.OrderByDescending(u => u.Suffix.Length))
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && decimal.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                var total = amount * millis;
                if (total > int.MaxValue || total != decimal.Truncate(total))
                {
                    return false;
                }

                value = TimeSpan.FromMilliseconds((long)total);
                return true;
            }
        }

        return false;
    }

    /// <summary>The shortest exact form: 1500 ms → <c>1500ms</c>, 2 000 ms → <c>2s</c>, 60 000 ms → <c>1m</c>.</summary>
    public static string Format(TimeSpan value)
    {
        var ms = (long)value.TotalMilliseconds;
        foreach (var (suffix, millis) in Units.Reverse())
        {
            if (ms != 0 && ms % millis == 0)
            {
                return (ms / millis).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
