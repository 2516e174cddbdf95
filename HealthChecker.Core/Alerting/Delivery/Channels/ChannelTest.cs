namespace HealthChecker.Core.Alerting.Delivery.Channels;

/// <summary>
/// "Send a test message": one made-up alert (rule <see cref="Rule"/>, target <see cref="Target"/>) sent at once by the
/// channel's own sender, outside the outbox (nothing is stored or retried), answered with the receiver's answer.
/// </summary>
public static class ChannelTest
{
    public const string Rule = "healthchecker-test-message";

    public const string Target = "healthchecker/test-message";

    /// <summary>What its info says, so that no one takes it for an outage.</summary>
    public const string Info = "a test message sent from HealthChecker to check this channel; no target is down";

    public static AlertMessage Message(string channel, DateTimeOffset now) => new(
        Guid.CreateVersion7(now),
        Rule,
        channel,
        $"{{}}:{{alertname=\"{Rule}\"}}",
        now,
        [new AlertItem(Target, "healthchecker", "test-message", null, true, now, null, "TEST", Info, "This is a TEST message: " + Info) { Test = true }]);

    public static async Task<DeliveryAnswer> SendAsync(IEnumerable<IChannelSender> senders, ChannelDefinition channel, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (senders.FirstOrDefault(s => s.Kind == channel.Kind) is not { } sender)
        {
            return DeliveryAnswer.Failed($"channels of kind {channel.Kind} cannot send yet");
        }

        try
        {
            return await sender.SendAsync(channel, Message(channel.Name, now), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return DeliveryAnswer.Retry($"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>True for the test's alert, which an Alertmanager gets once and is not kept firing.</summary>
    public static bool IsTest(AlertMessage message) => message.IsTest;
}
