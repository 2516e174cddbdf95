using System.Globalization;

namespace HealthChecker.Web.Components.Shared;

/// <summary>Short human times: <c>42s</c>, <c>5m 10s</c>, <c>3h 2m</c>, <c>4d 3h</c>, and UTC timestamps as shown on every page.</summary>
public static class Ago
{
    /// <summary>The length of <paramref name="span"/> in its two largest units; negative spans (clock skew) read as 0s.</summary>
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h"
            : span.TotalHours >= 1 ? $"{span.Hours}h {span.Minutes}m"
            : span.TotalMinutes >= 1 ? $"{span.Minutes}m {span.Seconds}s"
            : $"{span.Seconds}s";
    }

    /// <summary>A UTC time as <c>2026-01-02 03:04:05</c>.</summary>
    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <inheritdoc cref="Utc(DateTimeOffset)"/>
    public static string Utc(DateTime at) => Utc(new DateTimeOffset(at.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : at.ToUniversalTime()));
}
