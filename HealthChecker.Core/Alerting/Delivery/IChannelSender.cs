namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// Delivers messages to one kind of channel (a webhook, a chat, mail, an Alertmanager). One attempt per call: the
/// outbox retries what answers <see cref="DeliveryOutcome.Retry"/>. A sender turns its transport's errors into an
/// answer instead of throwing, and never lets a secret into <see cref="DeliveryAnswer.Text"/>.
/// </summary>
public interface IChannelSender
{
    ChannelKind Kind { get; }

    Task<DeliveryAnswer> SendAsync(ChannelDefinition channel, AlertMessage message, CancellationToken cancellationToken);
}

/// <summary>How an attempt ended.</summary>
public enum DeliveryOutcome
{
    /// <summary>The receiver took it (2xx).</summary>
    Delivered,

    /// <summary>A passing failure (timeout, connection error, 5xx): tried again with backoff.</summary>
    Retry,

    /// <summary>The receiver refused it (4xx), or it cannot be sent as configured: not retried.</summary>
    Failed,
}

/// <summary>An attempt's outcome and the receiver's answer in words (<c>HTTP 503 Service Unavailable: busy</c>).</summary>
public sealed record DeliveryAnswer(DeliveryOutcome Outcome, string Text)
{
    /// <summary>At most this much of a receiver's body is kept as its answer.</summary>
    public const int MaxText = 500;

    public static DeliveryAnswer Delivered(string text) => new(DeliveryOutcome.Delivered, Clip(text));

    public static DeliveryAnswer Retry(string text) => new(DeliveryOutcome.Retry, Clip(text));

    public static DeliveryAnswer Failed(string text) => new(DeliveryOutcome.Failed, Clip(text));

    private static string Clip(string text) => text.Length <= MaxText ? text : text[..MaxText] + "…";
}
