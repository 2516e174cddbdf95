using HealthChecker.Core.Alerting.Delivery.Messages;

namespace HealthChecker.Core.Alerting.Delivery.Channels;

/// <summary>The one link a chat message's button or title leads to.</summary>
internal static class ChatLinks
{
    /// <summary>
    /// The target's page for a message about one target, else the dashboard filtered to the message's targets; null when
    /// the app's address is unknown (a receiver needs an absolute URL).
    /// </summary>
    public static string? Main(Uri? externalUrl, AlertMessage message)
    {
        if (externalUrl is null)
        {
            return null;
        }

        var root = MessageLinks.Root(externalUrl);
        return message.Alerts.Count == 1 ? MessageLinks.TargetPage(root, message.Alerts[0]) : MessageLinks.Dashboard(root, message);
    }
}
