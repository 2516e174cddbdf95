using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Alerting;

/// <summary>The webhook channel against a real receiver: Alertmanager's body, the id header, headers with secrets.</summary>
public sealed class WebhookSenderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static AlertMessage Message() => new(Guid.CreateVersion7(), "shop-down", "ops", "{}:{alertname=\"shop-down\", channel=\"ops\"}", T0.AddSeconds(10),
    [
        new AlertItem("shop/db", "shop", "db", 12, false, T0.AddMinutes(-5), T0, "L4TOUT", null, "Layer4 check passed"),
        new AlertItem("shop/api", "shop", "api", 11, true, T0, null, "L7STS", "HTTP status 503", "Layer7 wrong status"),
    ]);

    [Fact]
    public async Task A_message_is_posted_in_Alertmanagers_webhook_format_with_its_id_in_a_header_and_the_body()
    {
        using var receiver = new WebhookReceiver();
        using var sender = new WebhookSender(new Uri("https://monitor.example.org/"));
        var message = Message();
        var channel = new ChannelDefinition("ops", ChannelKind.Webhook, receiver.Url, [], null);

        var answer = await sender.SendAsync(channel, message, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answer.Outcome);
        Assert.Equal("HTTP 200 OK: ok", answer.Text);
        var hook = Assert.Single(receiver.Received);
        Assert.Equal(message.Id.ToString(), hook.Headers[WebhookSender.IdempotencyHeader]);
        Assert.StartsWith("application/json", hook.Headers["Content-Type"], StringComparison.Ordinal);
        var body = hook.Json;
        Assert.Equal("4", body.GetProperty("version").GetString());
        Assert.Equal("firing", body.GetProperty("status").GetString());
        Assert.Equal("ops", body.GetProperty("receiver").GetString());
        Assert.Equal(message.GroupKey, body.GetProperty("groupKey").GetString());
        Assert.Equal(0, body.GetProperty("truncatedAlerts").GetInt32());
        Assert.Equal("https://monitor.example.org", body.GetProperty("externalURL").GetString());
        Assert.Equal(message.Id.ToString(), body.GetProperty("messageId").GetString());
        Assert.Equal("shop-down", body.GetProperty("groupLabels").GetProperty("alertname").GetString());
        Assert.Equal(["alertname", "group"], body.GetProperty("commonLabels").EnumerateObject().Select(p => p.Name).Order());

        var (resolved, firing) = (hook.Alerts[0], hook.Alerts[1]);
        Assert.Equal("firing", firing.GetProperty("status").GetString());
        Assert.Equal(
            [("alertname", "shop-down"), ("code", "L7STS"), ("group", "shop"), ("target", "shop/api")],
            firing.GetProperty("labels").EnumerateObject().Select(p => (p.Name, p.Value.GetString())));
        Assert.Equal("shop/api is DOWN", firing.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("shop/api is DOWN since 2026-11-27 12:00:00Z: L7STS: HTTP status 503", firing.GetProperty("annotations").GetProperty("description").GetString());
        Assert.Equal("2026-11-27T12:00:00Z", firing.GetProperty("startsAt").GetString());
        Assert.Equal("0001-01-01T00:00:00Z", firing.GetProperty("endsAt").GetString());
        Assert.Equal("https://monitor.example.org/targets/11", firing.GetProperty("generatorURL").GetString());
        Assert.Matches("^[0-9a-f]{16}$", firing.GetProperty("fingerprint").GetString());
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal("2026-11-27T12:00:00Z", resolved.GetProperty("endsAt").GetString());
        Assert.Equal("shop/db is UP again", resolved.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.NotEqual(firing.GetProperty("fingerprint").GetString(), resolved.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task A_header_secret_is_read_from_the_environment_when_sent_and_a_missing_one_fails_without_a_request()
    {
        using var receiver = new WebhookReceiver();
        using var sender = new WebhookSender();
        var variable = $"HC_TEST_TOKEN_{Guid.NewGuid():N}";
        var channel = new ChannelDefinition("ops", ChannelKind.Webhook, receiver.Url,
            [new ChannelHeader("Authorization", SecretText.FromReference(variable)), new ChannelHeader("X-Team", SecretText.FromValue("payments"))], null);

        var missing = await sender.SendAsync(channel, Message(), CancellationToken.None);
        Assert.Equal(DeliveryOutcome.Failed, missing.Outcome);
        Assert.Equal($"the secret of header Authorization is not set (${{{variable}}})", missing.Text);
        Assert.Empty(receiver.Received);

        Environment.SetEnvironmentVariable(variable, "Bearer s3cret");
        try
        {
            var sent = await sender.SendAsync(channel, Message(), CancellationToken.None);

            Assert.Equal(DeliveryOutcome.Delivered, sent.Outcome);
            var hook = Assert.Single(receiver.Received);
            Assert.Equal("Bearer s3cret", hook.Headers["Authorization"]);
            Assert.Equal("payments", hook.Headers["X-Team"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_refused_connection_is_retried_and_a_redirect_is_not_followed()
    {
        using var sender = new WebhookSender();
        using var receiver = new WebhookReceiver(308);
        var closed = new ChannelDefinition("ops", ChannelKind.Webhook, new Uri($"http://127.0.0.1:{LoopbackPeer.ClosedPort().Port}/hook"), [], null);
        var redirecting = new ChannelDefinition("ops", ChannelKind.Webhook, receiver.Url, [], null);

        var refused = await sender.SendAsync(closed, Message(), CancellationToken.None);
        var redirected = await sender.SendAsync(redirecting, Message(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Retry, refused.Outcome);
        Assert.Contains("ConnectionRefused", refused.Text, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Failed, redirected.Outcome);
        Assert.StartsWith("HTTP 308", redirected.Text, StringComparison.Ordinal);
    }
}
