namespace HealthChecker.Core.Alerting.Delivery.Channels;

/// <summary>
/// "Send a test message": one made-up alert (rule <see cref="Rule"/>, target <see cref="Target"/>) sent at once by the
/// channel's own sender, outside the outbox (nothing is stored or retried), answered with the receiver's answer.
/// </summary>
public static class ChannelTest
{
    public const string Rule = "healthchecker-test";

    public const string Target = "healthchecker/test-message";

    public static AlertMessage Message(ChannelDefinition channel, DateTimeOffset now) => new(
        Guid.CreateVersion7(now),
        Rule,
        channel.Name,
        $"{{}}:{{alertname=\"{Rule}\"}}",
        now,
        [new AlertItem(Target, "healthchecker", "test-message", null, true, now, null, null, null, $"a test message to channel {channel.Name}: it works")]);

    public static async Task<DeliveryAnswer> SendAsync(IEnumerable<IChannelSender> senders, ChannelDefinition channel, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (senders.FirstOrDefault(s => s.Kind == channel.Kind) is not { } sender)
        {
            return DeliveryAnswer.Failed($"channels of kind {channel.Kind} cannot send yet");
        }

        try
        {
            return await sender.SendAsync(channel, Message(channel, now), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return DeliveryAnswer.Retry($"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>True for the test's alert, which an Alertmanager gets once and is not kept firing.</summary>
    public static bool IsTest(AlertMessage message) => message.Rule == Rule && message.Alerts.All(a => a.Target == Target);
}
