namespace HealthChecker.Core.Alerting.Delivery.Messages;

/// <summary>The links a message carries: a target's page, and the dashboard filtered to the message's targets.</summary>
public static class MessageLinks
{
    /// <summary>The app's address without its trailing slash; empty (relative links) when unknown.</summary>
    public static string Root(Uri? externalUrl) => externalUrl?.ToString().TrimEnd('/') ?? "";

    /// <summary>The target's page, by id; by name (a search) when the id is not known.</summary>
    public static string TargetPage(string root, AlertItem alert) =>
        alert.TargetId is { } id ? $"{root}/targets/{id}" : $"{root}/?q={Uri.EscapeDataString(alert.Target)}";

    /// <summary>
    /// The dashboard filtered to the message's targets: their group when they share one, DOWN ones while any fires,
    /// the one target's name when there is one.
    /// </summary>
    public static string Dashboard(string root, AlertMessage message)
    {
        var query = new List<string>();
        var groups = message.Alerts.Select(a => a.Group).Distinct(StringComparer.Ordinal).Take(2).ToList();
        if (groups.Count == 1)
        {
            query.Add($"group={Uri.EscapeDataString(groups[0])}");
        }

        if (message.Alerts.Count == 1)
        {
            query.Add($"q={Uri.EscapeDataString(message.Alerts[0].Name)}");
        }
        else if (message.FiringCount > 0)
        {
            query.Add("state=down");
        }

        return $"{root}/" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
    }
}
