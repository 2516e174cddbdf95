using System.Net.Http.Json;

namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// The webhook channel: one POST of <see cref="WebhookPayload"/> per message, with the <c>Idempotency-Key</c> header
/// (the message id) and the channel's own headers (a bearer token, its secret read when sent). 2xx is delivered;
/// a timeout, a connection error, 408, 429 and 5xx are retried; any other answer is a permanent failure.
/// </summary>
public sealed class WebhookSender : IChannelSender, IDisposable
{
    public const string IdempotencyHeader = "Idempotency-Key";

    private readonly Channels.HttpDelivery _http;
    private readonly Uri? _externalUrl;

    /// <param name="externalUrl">The app's address, for the links in a message; null: relative links.</param>
    /// <param name="attemptTimeout">How long one attempt may take (default 10 s).</param>
    public WebhookSender(Uri? externalUrl = null, TimeSpan? attemptTimeout = null)
    {
        _externalUrl = externalUrl;
        _http = new Channels.HttpDelivery(attemptTimeout);
    }

    public ChannelKind Kind => ChannelKind.Webhook;

    public Task<DeliveryAnswer> SendAsync(ChannelDefinition channel, AlertMessage message, CancellationToken cancellationToken) =>
        channel.Url is not { } url
            ? Task.FromResult(DeliveryAnswer.Failed("the channel has no URL"))
            : _http.PostAsync(channel, url, message.Id, JsonContent.Create(WebhookPayload.From(message, _externalUrl)), cancellationToken);

    public void Dispose() => _http.Dispose();
}
