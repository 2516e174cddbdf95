using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// The webhook channel: one POST of <see cref="WebhookPayload"/> per message, with the <c>Idempotency-Key</c> header
/// (the message id) and the channel's own headers (a bearer token, its secret read when sent). 2xx is delivered;
/// a timeout, a connection error, 408, 429 and 5xx are retried; any other answer is a permanent failure.
/// </summary>
public sealed class WebhookSender : IChannelSender, IDisposable
{
    public const string IdempotencyHeader = "Idempotency-Key";

    private readonly HttpClient _http;
    private readonly Uri? _externalUrl;

    /// <param name="externalUrl">The app's address, for the links in a message; null: relative links.</param>
    /// <param name="attemptTimeout">How long one attempt may take (default 10 s).</param>
    public WebhookSender(Uri? externalUrl = null, TimeSpan? attemptTimeout = null)
    {
        _externalUrl = externalUrl;
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            AllowAutoRedirect = false,
        })
        {
            Timeout = attemptTimeout ?? TimeSpan.FromSeconds(10),
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("HealthChecker", "1"));
    }

    public ChannelKind Kind => ChannelKind.Webhook;

    public async Task<DeliveryAnswer> SendAsync(ChannelDefinition channel, AlertMessage message, CancellationToken cancellationToken)
    {
        if (channel.Url is not { } url)
        {
            return DeliveryAnswer.Failed("the channel has no URL");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(WebhookPayload.From(message, _externalUrl)),
        };
        request.Headers.TryAddWithoutValidation(IdempotencyHeader, message.Id.ToString());
        foreach (var header in channel.Headers)
        {
            if (SecretValues.Resolve(header.Value) is not { } value)
            {
                return DeliveryAnswer.Failed($"the secret of header {header.Name} is not set ({header.Value})");
            }

            if (!request.Headers.TryAddWithoutValidation(header.Name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(header.Name, value);
            }
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var body = await StartOfBodyAsync(response, cancellationToken).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            var text = $"HTTP {code} {response.ReasonPhrase}" + (body.Length > 0 ? $": {body.Trim()}" : "");
            return code switch
            {
                >= 200 and < 300 => DeliveryAnswer.Delivered(text),
                408 or 429 or >= 500 => DeliveryAnswer.Retry(text),
                _ => DeliveryAnswer.Failed(text),
            };
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryAnswer.Retry($"no answer within {_http.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return DeliveryAnswer.Retry(e.InnerException is SocketException s ? $"{s.SocketErrorCode}: {s.Message}" : e.Message);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Only as much of the receiver's answer as is kept: a hostile receiver's endless body is not read.</summary>
    private static async Task<string> StartOfBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        var buffer = new char[DeliveryAnswer.MaxText + 1];
        int read = await reader.ReadBlockAsync(buffer, cancellationToken).ConfigureAwait(false);
        return new string(buffer, 0, read);
    }
}
