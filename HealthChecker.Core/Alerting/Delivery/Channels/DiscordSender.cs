using System.Net.Http.Json;
using System.Text.Json.Serialization;
using HealthChecker.Core.Alerting.Delivery.Messages;

namespace HealthChecker.Core.Alerting.Delivery.Channels;

/// <summary>
/// A Discord webhook: the title as <c>content</c> (shown in notifications) and one embed with the text, red while
/// firing, green when resolved, linked to the target (or the dashboard). Mentions are off: a check's info cannot ping anyone.
/// </summary>
public sealed class DiscordSender(HttpDelivery http, AlertTemplates templates) : IChannelSender
{
    public const int MaxContent = 2_000;

    public const int MaxEmbedTitle = 256;

    public const int MaxEmbedDescription = 4_096;

    private const int Red = 0xD32F2F;

    private const int Green = 0x2E7D32;

    public ChannelKind Kind => ChannelKind.Discord;

    public Task<DeliveryAnswer> SendAsync(ChannelDefinition channel, AlertMessage message, CancellationToken cancellationToken)
    {
        if (channel.Url is not { } url)
        {
            return Task.FromResult(DeliveryAnswer.Failed("the channel has no URL"));
        }

        var rendered = templates.Render(channel, message);
        var link = ChatLinks.Main(templates.ExternalUrl, message);
        var embed = new DiscordEmbed(
            AlertTemplates.Clip(rendered.Title, MaxEmbedTitle),
            AlertTemplates.Clip(rendered.Text, MaxEmbedDescription),
            link,
            message.Status == "firing" ? Red : Green);
        var body = new DiscordMessage(AlertTemplates.Clip(rendered.Title, MaxContent), [embed], new DiscordAllowedMentions([]));
        return http.PostAsync(channel, url, message.Id, JsonContent.Create(body), cancellationToken);
    }
}

/// <summary>The body of a Discord webhook execution.</summary>
public sealed record DiscordMessage(
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("embeds")] IReadOnlyList<DiscordEmbed> Embeds,
    [property: JsonPropertyName("allowed_mentions")] DiscordAllowedMentions AllowedMentions);

public sealed record DiscordEmbed(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url,
    [property: JsonPropertyName("color")] int Color);

public sealed record DiscordAllowedMentions([property: JsonPropertyName("parse")] IReadOnlyList<string> Parse);
