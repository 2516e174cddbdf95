using HealthChecker.Testing;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Alerting.Delivery.Channels;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Alerting.Channels.AlertTemplatesTests;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Alerting.Channels;

/// <summary>The outbox with every sender, as the app builds it: each message goes by its channel's kind.</summary>
public sealed class ChannelSendersTests
{
    [Fact]
    public async Task The_outbox_delivers_each_channels_messages_with_the_sender_of_its_kind()
    {
        using var slack = new WebhookReceiver();
        using var ntfy = new WebhookReceiver();
        using var smtp = new SmtpReceiver();
        var settings = new InMemoryAlertSettings(new AlertSettings(
            [
                new ChannelDefinition("chat", ChannelKind.Slack, slack.Url, [], null),
                new ChannelDefinition("phone", ChannelKind.Ntfy, ntfy.Url, [], null),
                new ChannelDefinition("mail", ChannelKind.Email, null, [], new EmailOptions("127.0.0.1", smtp.Port, SmtpSecurity.None, "hc@example.org", ["ops@example.org"], null, null)),
            ],
            []));
        await using var senders = new ChannelSenders(new Uri("https://hc.example.org/"), settings: settings);
        await using var outbox = new NotificationOutbox(settings, [new WebhookSender(), .. senders.All]);

        foreach (var channel in new[] { "chat", "phone", "mail" })
        {
            outbox.Add(new AlertDecision(Message(Down("shop/api")) with { Id = Guid.CreateVersion7(), Channel = channel }, []));
        }

        await slack.WaitForAsync(r => r.Count == 1, "the Slack message");
        await ntfy.WaitForAsync(r => r.Count == 1, "the ntfy message");
        await EventuallyAsync(() => smtp.Received.Count == 1, "the mail");
        Assert.StartsWith("[DOWN] shop/api is DOWN\n", slack.Received[0].Json.GetProperty("text").GetString());
        Assert.Equal("[DOWN] shop/api is DOWN", ntfy.Received[0].Headers["Title"]);
        Assert.Equal("[DOWN] shop/api is DOWN", smtp.Received[0].Mail.Subject);
        await EventuallyAsync(() => outbox.Status().Sum(s => s.Delivered) == 3, "three deliveries counted");
    }
}
