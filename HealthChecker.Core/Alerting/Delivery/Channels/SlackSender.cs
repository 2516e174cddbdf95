using System.Net.Http.Json;
using System.Text.Json.Serialization;
using HealthChecker.Core.Alerting.Delivery.Messages;

namespace HealthChecker.Core.Alerting.Delivery.Channels;

/// <summary>
/// A Slack-format incoming webhook (also Mattermost and Rocket.Chat): <c>{"text": …}</c>, the title on the first line,
/// then the text; '&amp;', '&lt;' and '&gt;' escaped as Slack asks, so a check's info cannot form a link or a mention.
/// </summary>
public sealed class SlackSender(HttpDelivery http, AlertTemplates templates) : IChannelSender
{
    /// <summary>Slack cuts a message's text here.</summary>
    public const int MaxText = 40_000;

    public ChannelKind Kind => ChannelKind.Slack;

    public Task<DeliveryAnswer> SendAsync(ChannelDefinition channel, AlertMessage message, CancellationToken cancellationToken)
    {
        if (channel.Url is not { } url)
        {
            return Task.FromResult(DeliveryAnswer.Failed("the channel has no URL"));
        }

        var rendered = templates.Render(channel, message);
        var text = AlertTemplates.Clip(Escape(rendered.Title + "\n" + rendered.Text), MaxText);
        return http.PostAsync(channel, url, message.Id, JsonContent.Create(new SlackMessage(text)), cancellationToken);
    }

    internal static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}

/// <summary>The body of a Slack-format incoming webhook.</summary>
public sealed record SlackMessage([property: JsonPropertyName("text")] string Text);
