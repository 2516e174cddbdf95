using System.Globalization;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Store;
using HealthChecker.Web.Components.Shared;

namespace HealthChecker.Web.Components.Pages.Notifications;

/// <summary>A message of the log in words: the targets it lists (the first few, then a count) and where its delivery is.</summary>
public static class NotificationText
{
    /// <summary>A storm's message lists thousands of targets: the row names this many.</summary>
    public const int ShownTargets = 5;

    /// <summary>What a non-admin sees instead of a receiver's answer, as in /api/status.</summary>
    public const string Hidden = "details for the admin";

    /// <summary>The first <see cref="ShownTargets"/> targets, then <c>and 12 more</c>.</summary>
    public static IReadOnlyList<string> FirstTargets(NotificationRecord n) => [.. n.Targets.Take(ShownTargets)];

    /// <summary><c>and 12 more</c>, or empty when every target is named.</summary>
    public static string More(NotificationRecord n) =>
        n.Targets.Count > ShownTargets ? $"and {(n.Targets.Count - ShownTargets).ToString(CultureInfo.InvariantCulture)} more" : "";

    /// <summary><c>3 firing, 1 resolved</c>: what the message tells.</summary>
    public static string Counts(NotificationRecord n) =>
        string.Join(", ", new[] { n.Firing > 0 ? $"{n.Firing} firing" : null, n.Resolved > 0 ? $"{n.Resolved} resolved" : null }.OfType<string>());

    /// <summary>
    /// Delivered (when, after how many attempts), failed (why), or queued (attempts so far, the next try, the last answer).
    /// <paramref name="detailed"/>: the receiver's answer is shown; else <see cref="Hidden"/>.
    /// </summary>
    public static string Delivery(NotificationRecord n, bool detailed)
    {
        var answer = n.LastAnswer is null ? null : detailed ? n.LastAnswer : Hidden;
        var attempts = n.Attempts == 1 ? "1 attempt" : $"{n.Attempts.ToString(CultureInfo.InvariantCulture)} attempts";
        return n.Delivery switch
        {
            DeliveryState.Delivered => $"delivered {(n.DeliveredAt is { } at ? Ago.Utc(at) : "")} after {attempts}",
            DeliveryState.Failed => $"failed after {attempts}" + (answer is null ? "" : $": {answer}"),
            _ when n.Attempts == 0 => "queued, not tried yet",
            _ => $"queued after {attempts}" + (n.NextTryAt is { } next ? $", next try {Ago.Utc(next)}" : "") + (answer is null ? "" : $"; last answer: {answer}"),
        };
    }
}
