using System.Net.Http.Headers;
using System.Net.Sockets;

namespace HealthChecker.Core.Alerting.Delivery.Channels;

/// <summary>
/// One HTTP attempt of a channel, shared by the HTTP senders, with the webhook's rules: the message id in the
/// <c>Idempotency-Key</c> header, the channel's own headers (secrets read when sent); 2xx is delivered; a timeout, a
/// connection error, 408, 429 and 5xx are retried; any other answer fails for good. The receiver's answer is clipped.
/// </summary>
public sealed class HttpDelivery : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="attemptTimeout">How long one attempt may take (default 10 s).</param>
    public HttpDelivery(TimeSpan? attemptTimeout = null)
    {
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

    /// <summary>POSTs <paramref name="content"/> to <paramref name="url"/>; <paramref name="headers"/> adds the channel kind's own.</summary>
    public async Task<DeliveryAnswer> PostAsync(ChannelDefinition channel, Uri url, Guid messageId, HttpContent content,
        CancellationToken cancellationToken, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.TryAddWithoutValidation(WebhookSender.IdempotencyHeader, messageId.ToString());
        var own = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in channel.Headers)
        {
            if (SecretValues.Resolve(header.Value) is not { } value)
            {
                return DeliveryAnswer.Failed($"the secret of header {header.Name} is not set ({header.Value})");
            }

            own.Add(header.Name);
            if (!request.Headers.TryAddWithoutValidation(header.Name, value))
            {
                content.Headers.TryAddWithoutValidation(header.Name, value);
            }
        }

        // The kind's headers (ntfy's Title, Priority) give way to those the channel sets itself.
        foreach (var (name, value) in headers ?? [])
        {
            if (!own.Contains(name))
            {
                request.Headers.TryAddWithoutValidation(name, value);
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
