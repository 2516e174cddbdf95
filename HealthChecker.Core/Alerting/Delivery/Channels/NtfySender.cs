using System.Text;
using HealthChecker.Core.Alerting.Delivery.Messages;

namespace HealthChecker.Core.Alerting.Delivery.Channels;

/// <summary>
/// An ntfy topic: a POST of the text as the body to the topic's URL, with the <c>Title</c>, <c>Priority</c> (high while
/// firing, default when resolved), <c>Tags</c> (shown as an emoji) and <c>Click</c> (the target's page or the filtered
/// dashboard) headers. A title that is not ASCII is sent RFC 2047-encoded, as ntfy reads it.
/// </summary>
public sealed class NtfySender(HttpDelivery http, AlertTemplates templates) : IChannelSender
{
    /// <summary>ntfy's default message limit: a longer body would become an attachment.</summary>
    public const int MaxBodyBytes = 4_096;

    public ChannelKind Kind => ChannelKind.Ntfy;

    public Task<DeliveryAnswer> SendAsync(ChannelDefinition channel, AlertMessage message, CancellationToken cancellationToken)
    {
        if (channel.Url is not { } url)
        {
            return Task.FromResult(DeliveryAnswer.Failed("the channel has no URL"));
        }

        var rendered = templates.Render(channel, message);
        var firing = message.Status == "firing";
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Title", HeaderText(rendered.Title)),
            new("Priority", firing ? "high" : "default"),
            new("Tags", firing ? "rotating_light" : "white_check_mark"),
        };
        if (ChatLinks.Main(templates.ExternalUrl, message) is { } link)
        {
            headers.Add(new("Click", link));
        }

        var content = new StringContent(ClipBytes(rendered.Text, MaxBodyBytes), Encoding.UTF8, "text/plain");
        return http.PostAsync(channel, url, message.Id, content, cancellationToken, headers);
    }

    /// <summary>ASCII as it is; else RFC 2047's encoded word, which ntfy decodes.</summary>
    internal static string HeaderText(string text) =>
        text.All(c => c is >= ' ' and <= '~') ? text : $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(text))}?=";

    /// <summary>The longest start of <paramref name="text"/> within <paramref name="max"/> UTF-8 bytes, whole characters only.</summary>
    internal static string ClipBytes(string text, int max)
    {
        if (Encoding.UTF8.GetByteCount(text) <= max)
        {
            return text;
        }

        var budget = max - Encoding.UTF8.GetByteCount("…");
        var end = 0;
        for (var bytes = 0; end < text.Length;)
        {
            // A lone surrogate decodes as U+FFFD, three bytes once encoded.
            Rune.DecodeFromUtf16(text.AsSpan(end), out var rune, out var length);
            bytes += rune.Utf8SequenceLength;
            if (bytes > budget)
            {
                break;
            }

            end += length;
        }

        return text[..end] + "…";
    }
}
