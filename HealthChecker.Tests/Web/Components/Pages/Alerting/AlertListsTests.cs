using Bunit;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;
using HealthChecker.Web.Components.Pages.Alerting;

namespace HealthChecker.Tests.Web.Components.Pages.Alerting;

public sealed class AlertListsTests : BunitContext
{
    private static readonly DateTime At = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    [Fact]
    public void Channels_show_their_receiver_and_which_secrets_are_kept_never_a_kept_value()
    {
        var list = Render<ChannelList>(p => p.Add(l => l.Channels, [
            Row(1, new ChannelDefinition("ops", ChannelKind.Slack, new Uri("https://hooks.slack.test/x"),
                [new ChannelHeader("Authorization", SecretText.FromValue("Bearer zq-secret-1")), new ChannelHeader("X-Env", SecretText.FromReference("ENV"))], null)),
            Row(2, new ChannelDefinition("mail", ChannelKind.Email, null, [],
                new EmailOptions("smtp.test", 587, SmtpSecurity.Auto, "hc@example.com", ["a@example.com"], "hc", SecretText.FromValue("zq-secret-2")))),
        ]));

        var rows = list.FindAll("tbody tr");
        Assert.Equal(["ops", "slack", "https://hooks.slack.test/x", "Authorization (kept), X-Env (${ENV})", "nothing sent since start"], Cells(rows[0]));
        Assert.Equal(["mail", "email", "hc@example.com → a@example.com via smtp.test:587", "password (kept)", "nothing sent since start"], Cells(rows[1]));
        Assert.DoesNotContain("zq-secret", list.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_channels_row_says_what_waits_when_it_last_delivered_and_its_last_failure_with_the_answer()
    {
        var at = new DateTimeOffset(At);
        var list = Render<ChannelList>(p => p
            .Add(l => l.Channels, [Row(3, new ChannelDefinition("ops", ChannelKind.Webhook, new Uri("http://h/"), [], null))])
            .Add(l => l.Delivery, new Dictionary<string, HealthChecker.Core.Alerting.Delivery.ChannelDeliveryStatus>
            {
                ["ops"] = new("ops", 4, 1, 2, at, at.AddMinutes(1), "HTTP 500 Internal Server Error: busy", 2, at.AddSeconds(30)),
            }));

        Assert.Equal(
            "2 queued (oldest 2026-01-02 03:04:35 UTC); last delivered 2026-01-02 03:04:05 UTC; last failure 2026-01-02 03:05:05 UTC: HTTP 500 Internal Server Error: busy",
            list.Find("[data-channel-name=ops] [data-testid=delivery]").TextContent.Trim());
    }

    [Fact]
    public void Deleting_a_channel_asks_first_and_only_the_confirmation_deletes()
    {
        var deleted = new List<long>();
        var list = Render<ChannelList>(p => p
            .Add(l => l.Channels, [Row(7, new ChannelDefinition("ops", ChannelKind.Webhook, new Uri("http://h/"), [], null))])
            .Add(l => l.OnDelete, (ChannelRow r) => deleted.Add(r.Id)));

        Button(list, "Delete").Click();
        Assert.Contains("Delete channel ops?", list.Find("[role=alert]").TextContent, StringComparison.Ordinal);
        Button(list, "Cancel").Click();
        Assert.Empty(deleted);
        Button(list, "Delete").Click();
        Button(list, "Yes, delete").Click();
        Assert.Equal([7L], deleted);
    }

    [Fact]
    public void Rules_say_which_targets_which_channels_when_and_how_they_are_grouped()
    {
        var list = Render<RuleList>(p => p.Add(l => l.Rules, [
            new StoredRule(1, new AlertRule("shop/*", "shop/*", ["ops"], TimeSpan.Zero, null, true, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)), At, At),
            new StoredRule(2, new AlertRule("db", "*/db-?", ["ops", "mail"], TimeSpan.FromMinutes(1), TimeSpan.FromHours(4), false, TimeSpan.Zero, TimeSpan.FromMinutes(1)), At, At),
        ]));

        var rows = list.FindAll("tbody tr");
        Assert.Equal(["shop/*", "shop/*", "ops", "DOWN; resolved when UP", "wait 5s, then every 10s"], Cells(rows[0]));
        Assert.Equal(["db", "*/db-?", "ops, mail", "DOWN for 1m; again every 4h", "wait 0ms, then every 1m"], Cells(rows[1]));
    }

    [Fact]
    public void No_channels_and_no_rules_show_what_to_do()
    {
        Assert.NotNull(Render<ChannelList>(p => p.Add(l => l.Channels, [])).Find("[data-testid=no-channels]"));
        Assert.NotNull(Render<RuleList>(p => p.Add(l => l.Rules, [])).Find("[data-testid=no-rules]"));
    }

    private static ChannelRow Row(long id, ChannelDefinition channel)
    {
        var (kind, url, settings, _) = ChannelRow.Of(channel);
        return new ChannelRow(id, channel.Name, kind, url, settings, (int)id, At, At);
    }

    private static List<string> Cells(AngleSharp.Dom.IElement row) =>
        [.. row.QuerySelectorAll("td").SkipLast(1).Select(c => c.TextContent.Trim())];

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> list, string text) =>
        list.FindAll("button").Single(b => b.TextContent.Trim() == text);
}
