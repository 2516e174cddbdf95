using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HealthChecker.Core.Alerting.Delivery.Messages;

namespace HealthChecker.Core.Alerting.Delivery.Channels;

/// <summary>
/// A Microsoft Teams workflow webhook ("Post to a channel when a webhook request is received"): a message with one
/// Adaptive Card: the title in red while firing (green when resolved), a text block per line of the text, and a button
/// to the target's page (or the filtered dashboard) when the app's address is known.
/// </summary>
public sealed class TeamsSender(HttpDelivery http, AlertTemplates templates) : IChannelSender
{
    public const string CardContentType = "application/vnd.microsoft.card.adaptive";

    /// <summary>Text blocks in a card at most: Teams refuses cards over about 28 KB.</summary>
    public const int MaxLines = 60;

    public ChannelKind Kind => ChannelKind.Teams;

    public Task<DeliveryAnswer> SendAsync(ChannelDefinition channel, AlertMessage message, CancellationToken cancellationToken)
    {
        if (channel.Url is not { } url)
        {
            return Task.FromResult(DeliveryAnswer.Failed("the channel has no URL"));
        }

        var rendered = templates.Render(channel, message);
        var body = Card(rendered, message.Status == "firing", ChatLinks.Main(templates.ExternalUrl, message));
        return http.PostAsync(channel, url, message.Id, JsonContent.Create(body), cancellationToken);
    }

    internal static JsonObject Card(RenderedMessage rendered, bool firing, string? link)
    {
        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock", ["text"] = rendered.Title, ["weight"] = "Bolder", ["size"] = "Medium",
                ["color"] = firing ? "Attention" : "Good", ["wrap"] = true,
            },
        };
        var lines = rendered.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var line in lines.Take(MaxLines))
        {
            blocks.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = AlertTemplates.Clip(line, 2_000), ["wrap"] = true, ["spacing"] = "None" });
        }

        if (lines.Length > MaxLines)
        {
            blocks.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = "…", ["spacing"] = "None" });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = blocks,
        };
        if (link is not null)
        {
            card["actions"] = new JsonArray { new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open in HealthChecker", ["url"] = link } };
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray { new JsonObject { ["contentType"] = CardContentType, ["contentUrl"] = null, ["content"] = card } },
        };
    }
}
