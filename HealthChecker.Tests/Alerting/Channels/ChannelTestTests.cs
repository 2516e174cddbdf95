using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Alerting.Delivery.Channels;
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
            "[DOWN] healthchecker/test-message is DOWN\nhealthchecker/test-message is DOWN since 2026-12-03 11:00:00 UTC: TEST: a test message sent from HealthChecker to check this channel; no target is down\n/?q=healthchecker%2Ftest-message",
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
