using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Alerting.Delivery.Channels;
using HealthChecker.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static HealthChecker.Tests.Alerting.Channels.AlertTemplatesTests;

namespace HealthChecker.Tests.Alerting.Channels;

/// <summary>The Alertmanager channel: what it pushes, its re-sends while alerts fire (on a fake clock), and a real Alertmanager.</summary>
public sealed class AlertmanagerSenderTests : IDisposable
{
    private static readonly Uri App = new("https://hc.example.org/");
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 1, 0, TimeSpan.Zero);
    private readonly HttpDelivery _http = new();

    public void Dispose() => _http.Dispose();

    private static ChannelDefinition Channel(Uri url) => new("am", ChannelKind.Alertmanager, url, [], null);

    [Fact]
    public async Task A_message_is_pushed_as_alerts_with_the_labels_annotations_start_and_an_end_four_resends_ahead()
    {
        using var receiver = new WebhookReceiver();
        await using var sender = new AlertmanagerSender(_http, App, clock: new FakeTimeProvider(Now));
        var message = Message(Down("shop/api"));

        var answer = await sender.SendAsync(Channel(receiver.Url), message, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answer.Outcome);
        var got = Assert.Single(receiver.Received);
        Assert.Equal(message.Id.ToString(), got.Headers[WebhookSender.IdempotencyHeader]);
        Assert.Equal(
            """[{"labels":{"alertname":"shop-down","code":"L4CON","group":"shop","target":"shop/api"},"annotations":{"description":"shop/api is DOWN since 2026-12-03 10:00:05 UTC: L4CON: Connection refused","summary":"shop/api is DOWN"},"startsAt":"2026-12-03T10:00:05Z","endsAt":"2026-12-03T10:05:00Z","generatorURL":"https://hc.example.org/targets/7"}]""",
            got.Body);
    }

    [Fact]
    public void The_alerts_url_is_under_the_channels_url_with_or_without_a_trailing_slash()
    {
        Assert.Equal("http://am:9093/api/v2/alerts", AlertmanagerSender.AlertsUrl(new Uri("http://am:9093")).ToString());
        Assert.Equal("http://proxy/am/api/v2/alerts", AlertmanagerSender.AlertsUrl(new Uri("http://proxy/am")).ToString());
        Assert.Equal("http://proxy/am/api/v2/alerts", AlertmanagerSender.AlertsUrl(new Uri("http://proxy/am/")).ToString());
    }

    [Fact]
    public async Task Alerts_still_firing_are_resent_every_minute_with_a_later_end_until_their_resolution_is_delivered()
    {
        using var receiver = new WebhookReceiver();
        var clock = new FakeTimeProvider(Now);
        await using var sender = new AlertmanagerSender(_http, App, clock: clock);
        var channel = Channel(receiver.Url);
        await sender.SendAsync(channel, Message(Down("shop/api"), Down("shop/db", 8)), CancellationToken.None);

        clock.Advance(AlertmanagerSender.ResendInterval);

        await receiver.WaitForAsync(r => r.Count == 2, "the re-send a minute later");
        var resent = receiver.Received[1].Json.EnumerateArray().ToList();
        Assert.Equal(["shop/api", "shop/db"], resent.Select(a => a.GetProperty("labels").GetProperty("target").GetString()));
        Assert.All(resent, a => Assert.Equal("2026-12-03T10:06:00Z", a.GetProperty("endsAt").GetString()));

        await sender.SendAsync(channel, Message(Up("shop/api"), Down("shop/db", 8)), CancellationToken.None);
        var answers = await sender.ResendAsync(CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answers["am"].Outcome);
        var last = receiver.Received[^1].Json.EnumerateArray().ToList();
        Assert.Equal(["shop/db"], last.Select(a => a.GetProperty("labels").GetProperty("target").GetString()));
        await sender.SendAsync(channel, Message(Up("shop/db", 8)), CancellationToken.None);
        Assert.Empty(sender.Firing("am"));
        Assert.Empty(await sender.ResendAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_push_the_receiver_refused_changes_nothing_that_is_resent()
    {
        using var receiver = new WebhookReceiver(500);
        await using var sender = new AlertmanagerSender(_http, App, clock: new FakeTimeProvider(Now));

        var answer = await sender.SendAsync(Channel(receiver.Url), Message(Down("shop/api")), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Retry, answer.Outcome);
        Assert.Empty(sender.Firing("am"));
    }

    [Fact]
    public async Task After_a_restart_the_alerts_told_down_before_are_resent_and_those_of_a_removed_channel_are_dropped()
    {
        using var receiver = new WebhookReceiver();
        var channel = Channel(receiver.Url);
        var settings = new InMemoryAlertSettings(new AlertSettings([channel], []));
        await using var sender = new AlertmanagerSender(_http, App, settings, new FakeTimeProvider(Now));
        var since = Now.AddMinutes(-30);
        sender.Resume(
            [
                new NotifiedState("shop-down", "am", "shop/api", true, since, "L7STS", "HTTP 503", since, Guid.NewGuid()),
                new NotifiedState("shop-down", "am", "shop/db", false, since, "L4CON", null, since, Guid.NewGuid()),
                new NotifiedState("shop-down", "mail", "shop/api", true, since, "L7STS", "HTTP 503", since, Guid.NewGuid()),
            ],
            settings.Current);

        await sender.ResendAsync(CancellationToken.None);

        var alert = Assert.Single(Assert.Single(receiver.Received).Json.EnumerateArray());
        Assert.Equal("shop/api", alert.GetProperty("labels").GetProperty("target").GetString());
        Assert.Equal("L7STS", alert.GetProperty("labels").GetProperty("code").GetString());
        Assert.Equal("2026-12-03T09:31:00Z", alert.GetProperty("startsAt").GetString());

        settings.Set(AlertSettings.Empty);
        Assert.Empty(await sender.ResendAsync(CancellationToken.None));
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task The_alerts_of_a_target_handed_to_another_node_are_no_longer_resent_from_here()
    {
        using var receiver = new WebhookReceiver();
        var channel = Channel(receiver.Url);
        var settings = new InMemoryAlertSettings(new AlertSettings([channel], []));
        await using var sender = new AlertmanagerSender(_http, App, settings, new FakeTimeProvider(Now));
        var since = Now.AddMinutes(-30);
        sender.Resume(
            [
                new NotifiedState("shop-down", "am", "shop/api", true, since, "L7STS", "HTTP 503", since, Guid.NewGuid()),
                new NotifiedState("shop-down", "am", "shop/db", true, since, "L4CON", null, since, Guid.NewGuid()),
            ],
            settings.Current);

        sender.HandOver("shop/api");
        await sender.ResendAsync(CancellationToken.None);

        var alert = Assert.Single(Assert.Single(receiver.Received).Json.EnumerateArray());
        Assert.Equal("shop/db", alert.GetProperty("labels").GetProperty("target").GetString());
    }

    [Fact]
    public async Task A_real_alertmanager_takes_the_firing_alert_notifies_it_and_resolves_it_when_the_resolution_is_pushed()
    {
        using var hook = new WebhookReceiver();
        await using var alertmanager = await AlertmanagerProcess.StartAsync(hook.Url);
        await using var sender = new AlertmanagerSender(_http, App);
        var channel = Channel(alertmanager.Url);
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var down = Message(Down("shop/api") with { StartsAt = start });

        Assert.Equal(DeliveryOutcome.Delivered, (await sender.SendAsync(channel, down, CancellationToken.None)).Outcome);

        var held = Assert.Single(await alertmanager.AlertsAsync());
        Assert.Equal("active", held.GetProperty("status").GetProperty("state").GetString());
        var labels = held.GetProperty("labels");
        Assert.Equal(("shop-down", "shop", "shop/api", "L4CON"),
            (labels.GetProperty("alertname").GetString(), labels.GetProperty("group").GetString(), labels.GetProperty("target").GetString(), labels.GetProperty("code").GetString()));
        Assert.Equal("shop/api is DOWN", held.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("https://hc.example.org/targets/7", held.GetProperty("generatorURL").GetString());
        await hook.WaitForAsync(r => r.Any(h => h.PayloadStatus == "firing"), "Alertmanager's notification of the firing alert");

        var up = Message(Up("shop/api") with { StartsAt = start, EndsAt = DateTimeOffset.UtcNow });
        Assert.Equal(DeliveryOutcome.Delivered, (await sender.SendAsync(channel, up, CancellationToken.None)).Outcome);

        await hook.WaitForAsync(r => r.Any(h => h.PayloadStatus == "resolved"), "Alertmanager's notification of the resolution");
        var resolved = hook.Received.First(h => h.PayloadStatus == "resolved");
        Assert.Equal(["shop/api"], resolved.Targets);
        Assert.Empty(await alertmanager.AlertsAsync());
    }
}
