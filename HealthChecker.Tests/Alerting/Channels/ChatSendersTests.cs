using System.Text.Json;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Alerting.Delivery.Channels;
using HealthChecker.Core.Alerting.Delivery.Messages;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Alerting.Channels.AlertTemplatesTests;

namespace HealthChecker.Tests.Alerting.Channels;

/// <summary>The chat channels against real HTTP receivers on loopback: the exact body and headers each receiver gets.</summary>
public sealed class ChatSendersTests : IDisposable
{
    private static readonly Uri App = new("https://hc.example.org/");
    private readonly HttpDelivery _http = new();
    private readonly AlertTemplates _templates = new(App);

    public void Dispose() => _http.Dispose();

    private static ChannelDefinition On(WebhookReceiver receiver, ChannelKind kind, params ChannelHeader[] headers) =>
        new(kind.ToString().ToLowerInvariant(), kind, receiver.Url, headers, null);

    private static string Json(object value) => JsonSerializer.Serialize(value);

    [Fact]
    public async Task Slack_gets_the_title_and_text_as_text_escaped_with_the_message_id_and_the_channels_headers()
    {
        using var receiver = new WebhookReceiver();
        Environment.SetEnvironmentVariable("HC_TEST_SLACK_TOKEN", "s3cret");
        var channel = On(receiver, ChannelKind.Slack, new ChannelHeader("Authorization", SecretText.FromReference("HC_TEST_SLACK_TOKEN")));
        var message = Message(Down("shop/api", info: "HTTP 503 <busy> & slow"));

        var answer = await new SlackSender(_http, _templates).SendAsync(channel, message, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answer.Outcome);
        var got = Assert.Single(receiver.Received);
        Assert.Equal(
            Json(new { text = "[DOWN] shop/api is DOWN\nshop/api is DOWN since 2026-12-03 10:00:05 UTC: L4CON: HTTP 503 &lt;busy&gt; &amp; slow\nhttps://hc.example.org/targets/7" }),
            got.Body);
        Assert.Equal(message.Id.ToString(), got.Headers[WebhookSender.IdempotencyHeader]);
        Assert.Equal("s3cret", got.Headers["Authorization"]);
        Assert.StartsWith("application/json", got.Headers["Content-Type"]);
    }

    [Fact]
    public async Task Discord_gets_the_title_as_content_and_an_embed_red_while_firing_with_mentions_off()
    {
        using var receiver = new WebhookReceiver(204);
        var message = Message(Down("shop/api"));

        var answer = await new DiscordSender(_http, _templates).SendAsync(On(receiver, ChannelKind.Discord), message, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answer.Outcome);
        var got = Assert.Single(receiver.Received);
        Assert.Equal(
            Json(new
            {
                content = "[DOWN] shop/api is DOWN",
                embeds = new[]
                {
                    new
                    {
                        title = "[DOWN] shop/api is DOWN",
                        description = "shop/api is DOWN since 2026-12-03 10:00:05 UTC: L4CON: Connection refused\nhttps://hc.example.org/targets/7",
                        url = "https://hc.example.org/targets/7",
                        color = 0xD32F2F,
                    },
                },
                allowed_mentions = new { parse = Array.Empty<string>() },
            }),
            got.Body);
        Assert.Equal(message.Id.ToString(), got.Headers[WebhookSender.IdempotencyHeader]);
    }

    [Fact]
    public async Task Discord_content_stays_within_2000_characters_and_the_embed_within_4096()
    {
        using var receiver = new WebhookReceiver();
        var channel = On(receiver, ChannelKind.Discord) with
        {
            Templates = new MessageTemplates(null, "{% for i in (1..1000) %}0123456789{% endfor %}", null),
        };

        await new DiscordSender(_http, _templates).SendAsync(channel, Message(Down("shop/api")), CancellationToken.None);

        var embed = Assert.Single(receiver.Received).Json.GetProperty("embeds")[0];
        Assert.Equal(DiscordSender.MaxEmbedDescription, embed.GetProperty("description").GetString()!.Length);
    }

    [Fact]
    public async Task Teams_gets_a_message_with_one_adaptive_card_that_lists_the_text_and_links_the_dashboard()
    {
        using var receiver = new WebhookReceiver(202);
        var message = Message(Up("shop/api"), Down("shop/db", 8));

        var answer = await new TeamsSender(_http, _templates).SendAsync(On(receiver, ChannelKind.Teams), message, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answer.Outcome);
        var got = Assert.Single(receiver.Received).Json;
        Assert.Equal("message", got.GetProperty("type").GetString());
        var attachment = Assert.Single(got.GetProperty("attachments").EnumerateArray());
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal(("AdaptiveCard", "1.4"), (card.GetProperty("type").GetString(), card.GetProperty("version").GetString()));
        var texts = card.GetProperty("body").EnumerateArray().Select(b => b.GetProperty("text").GetString()).ToList();
        Assert.Equal(
            [
                "[DOWN] 1 target DOWN in shop, 1 UP again",
                "1 DOWN, 1 UP again (rule shop-down):",
                "shop/api is UP again since 2026-12-03 10:03:05 UTC (Layer4 check passed); it was DOWN since 2026-12-03 10:00:05 UTC: L4CON: Connection refused",
                "https://hc.example.org/targets/7",
                "shop/db is DOWN since 2026-12-03 10:00:05 UTC: L4CON: Connection refused",
                "https://hc.example.org/targets/8",
                "All of them: https://hc.example.org/?group=shop&state=down",
            ],
            texts);
        Assert.Equal("Attention", card.GetProperty("body")[0].GetProperty("color").GetString());
        var action = Assert.Single(card.GetProperty("actions").EnumerateArray());
        Assert.Equal(("Action.OpenUrl", "https://hc.example.org/?group=shop&state=down"), (action.GetProperty("type").GetString(), action.GetProperty("url").GetString()));
    }

    [Fact]
    public async Task Ntfy_gets_the_text_as_body_with_title_priority_tags_and_click_headers()
    {
        using var receiver = new WebhookReceiver();
        var message = Message(Down("shop/api"));

        var answer = await new NtfySender(_http, _templates).SendAsync(On(receiver, ChannelKind.Ntfy), message, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answer.Outcome);
        var got = Assert.Single(receiver.Received);
        Assert.Equal("shop/api is DOWN since 2026-12-03 10:00:05 UTC: L4CON: Connection refused\nhttps://hc.example.org/targets/7", got.Body);
        Assert.Equal("[DOWN] shop/api is DOWN", got.Headers["Title"]);
        Assert.Equal("high", got.Headers["Priority"]);
        Assert.Equal("rotating_light", got.Headers["Tags"]);
        Assert.Equal("https://hc.example.org/targets/7", got.Headers["Click"]);
        Assert.Equal(message.Id.ToString(), got.Headers[WebhookSender.IdempotencyHeader]);
        Assert.Equal("text/plain; charset=utf-8", got.Headers["Content-Type"]);
    }

    [Fact]
    public async Task Ntfy_sends_a_resolution_at_default_priority_and_a_title_that_is_not_ascii_encoded()
    {
        using var receiver = new WebhookReceiver();

        await new NtfySender(_http, _templates).SendAsync(On(receiver, ChannelKind.Ntfy), Message(Up("café/api")), CancellationToken.None);

        var got = Assert.Single(receiver.Received);
        Assert.Equal(("default", "white_check_mark"), (got.Headers["Priority"], got.Headers["Tags"]));
        Assert.Equal("=?UTF-8?B?W1VQXSBjYWbDqS9hcGkgaXMgVVAgYWdhaW4=?=", got.Headers["Title"]);
    }

    [Fact]
    public async Task Ntfy_headers_the_channel_sets_itself_replace_the_kinds_own()
    {
        using var receiver = new WebhookReceiver();
        var channel = On(receiver, ChannelKind.Ntfy, new ChannelHeader("Priority", SecretText.FromValue("urgent")), new ChannelHeader("Tags", SecretText.FromValue("warning,shop")));

        await new NtfySender(_http, _templates).SendAsync(channel, Message(Down("shop/api")), CancellationToken.None);

        var got = Assert.Single(receiver.Received);
        Assert.Equal(("urgent", "warning,shop"), (got.Headers["Priority"], got.Headers["Tags"]));
        Assert.Equal("[DOWN] shop/api is DOWN", got.Headers["Title"]);
    }

    [Fact]
    public void Ntfy_bodies_are_clipped_to_whole_characters_within_4096_bytes()
    {
        var clipped = NtfySender.ClipBytes(new string('é', 3000), NtfySender.MaxBodyBytes);

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(clipped) <= NtfySender.MaxBodyBytes);
        Assert.Equal(2046, clipped.Length - 1);
        Assert.EndsWith("é…", clipped);
    }

    [Theory]
    [InlineData(500, DeliveryOutcome.Retry)]
    [InlineData(503, DeliveryOutcome.Retry)]
    [InlineData(429, DeliveryOutcome.Retry)]
    [InlineData(408, DeliveryOutcome.Retry)]
    [InlineData(400, DeliveryOutcome.Failed)]
    [InlineData(404, DeliveryOutcome.Failed)]
    public async Task A_receivers_status_is_retried_or_failed_as_the_webhooks_and_its_answer_kept(int status, DeliveryOutcome outcome)
    {
        using var receiver = new WebhookReceiver(status);

        var answer = await new SlackSender(_http, _templates).SendAsync(On(receiver, ChannelKind.Slack), Message(Down("shop/api")), CancellationToken.None);

        Assert.Equal(outcome, answer.Outcome);
        Assert.StartsWith($"HTTP {status} ", answer.Text);
        Assert.EndsWith($": answer {status}", answer.Text);
    }

    [Fact]
    public async Task A_receiver_that_refuses_connections_is_retried()
    {
        using var receiver = new WebhookReceiver();
        receiver.Stop();

        var answer = await new TeamsSender(_http, _templates).SendAsync(On(receiver, ChannelKind.Teams), Message(Down("shop/api")), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Retry, answer.Outcome);
        Assert.Contains("ConnectionRefused", answer.Text);
    }

    [Fact]
    public async Task A_receiver_that_takes_the_connection_but_never_answers_is_retried_after_the_attempts_timeout()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var url = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}/hook");
        using var http = new HttpDelivery(TimeSpan.FromMilliseconds(300));
        var channel = new ChannelDefinition("phone", ChannelKind.Ntfy, url, [], null);

        var answer = await new NtfySender(http, _templates).SendAsync(channel, Message(Down("shop/api")), CancellationToken.None);

        Assert.Equal((DeliveryOutcome.Retry, "no answer within 0.3 s"), (answer.Outcome, answer.Text));
    }

    [Fact]
    public async Task A_header_whose_secret_is_not_set_fails_without_sending_and_without_showing_a_value()
    {
        using var receiver = new WebhookReceiver();
        var channel = On(receiver, ChannelKind.Ntfy, new ChannelHeader("Authorization", SecretText.FromReference("HC_TEST_NO_SUCH_VARIABLE")));

        var answer = await new NtfySender(_http, _templates).SendAsync(channel, Message(Down("shop/api")), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Failed, answer.Outcome);
        Assert.Equal("the secret of header Authorization is not set (${HC_TEST_NO_SUCH_VARIABLE})", answer.Text);
        Assert.Empty(receiver.Received);
    }
}
