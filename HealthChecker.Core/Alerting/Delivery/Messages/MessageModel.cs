using System.Globalization;

namespace HealthChecker.Core.Alerting.Delivery.Messages;

/// <summary>
/// The variables a message template sees (docs/alerts.md lists them): plain dictionaries and lists, so that a template
/// reaches nothing but what is listed here. Times are UTC text (<c>2026-12-03 10:42:53 UTC</c>).
/// </summary>
internal static class MessageModel
{
    /// <summary>How many alerts <c>shown</c> holds; the rest are counted in <c>more</c>.</summary>
    public const int Shown = 10;

    public static Dictionary<string, object?> Of(AlertMessage message, Uri? externalUrl)
    {
        var root = MessageLinks.Root(externalUrl);
        var alerts = message.Alerts.Select(a => Alert(a, root)).ToList();
        var groups = message.Alerts.Select(a => a.Group).Distinct(StringComparer.Ordinal).Take(2).ToList();
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["status"] = message.Status,
            ["test"] = message.IsTest,
            ["rule"] = message.Rule,
            ["channel"] = message.Channel,
            ["message_id"] = message.Id.ToString(),
            ["created_at"] = Time(message.CreatedAt),
            ["count"] = alerts.Count,
            ["firing_count"] = message.FiringCount,
            ["resolved_count"] = message.ResolvedCount,
            ["group"] = groups.Count == 1 ? groups[0] : "",
            ["alerts"] = alerts,
            ["first"] = alerts.FirstOrDefault(),
            ["shown"] = alerts.Take(Shown).ToList(),
            ["more"] = Math.Max(0, alerts.Count - Shown),
            ["dashboard_url"] = MessageLinks.Dashboard(root, message),
            ["external_url"] = root,
        };
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static Dictionary<string, object?> Alert(AlertItem a, string root)
    {
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["target"] = a.Target,
            ["group"] = a.Group,
            ["name"] = a.Name,
            ["status"] = a.Firing ? "firing" : "resolved",
            ["firing"] = a.Firing,
            ["flapping"] = a.Flapping,
            ["test"] = a.Test,
            ["deleted"] = a.Deleted,
            ["since"] = Time(a.StartsAt),
            ["ended"] = a.EndsAt is { } end ? Time(end) : "",
            ["code"] = a.Code ?? "",
            ["info"] = a.Info ?? "",
            ["failure"] = AlertTexts.Failure(a),
            ["description"] = a.Description,
            ["summary"] = AlertTexts.Summary(a),
            ["url"] = MessageLinks.TargetPage(root, a),
        };
    }
}
