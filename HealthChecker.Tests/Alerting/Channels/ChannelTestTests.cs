using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Alerting.Delivery.Channels;
using HealthChecker.Testing;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Alerting.Channels;

/// <summary>"Send a test message": sent at once by the channel kind's sender, answered with the receiver's answer.</summary>
public sealed class ChannelTestTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 11, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_test_message_reaches_the_receiver_and_its_answer_comes_back()
    {
        using var receiver = new WebhookReceiver(404);
        await using var senders = new ChannelSenders();
        var channel = new ChannelDefinition("chat", ChannelKind.Slack, receiver.Url, [], null);

        var answer = await ChannelTest.SendAsync(senders.All, channel, Now, CancellationToken.None);

        Assert.Equal((DeliveryOutcome.Failed, "HTTP 404 Not Found: answer 404"), (answer.Outcome, answer.Text));
        Assert.Equal(
            "[TEST] Test message from HealthChecker to the channel chat\nThis is a TEST message sent from HealthChecker to check the channel chat; no target is down.",
            Assert.Single(receiver.Received).Json.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(ChannelKind.Webhook)]
    [InlineData(ChannelKind.Slack)]
    [InlineData(ChannelKind.Discord)]
    [InlineData(ChannelKind.Teams)]
    [InlineData(ChannelKind.Ntfy)]
    [InlineData(ChannelKind.Alertmanager)]
    public async Task Every_http_kind_says_plainly_that_the_test_message_is_a_test_in_its_title_and_its_text(ChannelKind kind)
    {
        using var receiver = new WebhookReceiver();
        await using var senders = new ChannelSenders();
        using var webhook = new WebhookSender();
        var channel = new ChannelDefinition("ops", kind, receiver.Url, [], null);

        var answer = await ChannelTest.SendAsync([webhook, .. senders.All], channel, Now, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answer.Outcome);
        var got = Assert.Single(receiver.Received);
        // The title (ntfy's is a header) and the text, whatever the kind's body looks like.
        var said = kind == ChannelKind.Ntfy ? got.Headers["Title"] + "\n" + got.Body : got.Body;
        Assert.Contains("TEST message", said, StringComparison.Ordinal);
        Assert.Contains(kind is ChannelKind.Webhook or ChannelKind.Alertmanager ? "\"summary\":\"TEST message" : "[TEST] Test message from HealthChecker", said, StringComparison.Ordinal);
        Assert.Contains("no target is down", said, StringComparison.Ordinal);
        Assert.DoesNotContain("is DOWN", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_test_mail_says_test_in_its_subject_and_both_parts()
    {
        using var server = new SmtpReceiver();
        await using var senders = new ChannelSenders();
        var channel = new ChannelDefinition("mail", ChannelKind.Email, null, [], new EmailOptions("127.0.0.1", server.Port, SmtpSecurity.None, "alerts@hc.example.org", ["ops@example.org"], null, null));

        var answer = await ChannelTest.SendAsync(senders.All, channel, Now, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answer.Outcome);
        var mail = Assert.Single(server.Received).Mail;
        Assert.Equal("[TEST] Test message from HealthChecker to the channel mail", mail.Subject);
        Assert.StartsWith("This is a TEST message", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("This is a <b>TEST</b> message", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_channel_with_its_own_templates_still_marks_the_test_message_as_a_test()
    {
        using var receiver = new WebhookReceiver();
        await using var senders = new ChannelSenders();
        var channel = new ChannelDefinition("chat", ChannelKind.Slack, receiver.Url, [], null)
        {
            Templates = new MessageTemplates("{{ first.target }} alert", "{{ first.target }} failed", null),
        };

        await ChannelTest.SendAsync(senders.All, channel, Now, CancellationToken.None);

        Assert.Equal(
            "[TEST] healthchecker/test-message alert\nTEST message, no target is down: healthchecker/test-message failed",
            Assert.Single(receiver.Received).Json.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_test_alert_to_an_alertmanager_is_sent_once_and_not_kept_firing()
    {
        using var receiver = new WebhookReceiver();
        await using var senders = new ChannelSenders();
        var channel = new ChannelDefinition("am", ChannelKind.Alertmanager, receiver.Url, [], null);

        var answer = await ChannelTest.SendAsync(senders.All, channel, Now, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answer.Outcome);
        Assert.Single(receiver.Received);
        Assert.Empty(senders.Alertmanager.Firing("am"));
    }

    [Fact]
    public async Task A_kind_without_a_sender_says_so()
    {
        var channel = new ChannelDefinition("hook", ChannelKind.Webhook, new Uri("http://127.0.0.1:1/"), [], null);

        var answer = await ChannelTest.SendAsync([], channel, Now, CancellationToken.None);

        Assert.Equal((DeliveryOutcome.Failed, "channels of kind Webhook cannot send yet"), (answer.Outcome, answer.Text));
    }
}
