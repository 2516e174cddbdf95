using HealthChecker.Core.Alerting.Delivery.Channels;
using Bunit;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Store;
using HealthChecker.Web.Alerting;
using HealthChecker.Web.Components.Pages.Alerting;

namespace HealthChecker.Tests.Web.Components.Pages.Alerting;

/// <summary>"Send test" on a channel's row, and the receiver's answer in words.</summary>
public sealed class ChannelTestViewTests : BunitContext
{
    private static readonly DateTime At = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    [Fact]
    public void Send_test_on_a_row_asks_for_that_channel_and_is_disabled_while_its_message_is_on_its_way()
    {
        var tested = new List<long>();
        var list = Render<ChannelList>(p => p
            .Add(l => l.Channels, [Row(3, "ops"), Row(4, "mail")])
            .Add(l => l.OnTest, (ChannelRow r) => tested.Add(r.Id)));

        list.FindAll("tbody tr")[1].QuerySelector("button.test")!.Click();
        Assert.Equal([4L], tested);

        list.Render(p => p.Add(l => l.Testing, 4L));
        var buttons = list.FindAll("button.test");
        Assert.Equal(["Send test", "Sending…"], buttons.Select(b => b.TextContent.Trim()));
        Assert.True(buttons[1].HasAttribute("disabled"));
        Assert.False(buttons[0].HasAttribute("disabled"));
    }

    [Theory]
    [InlineData(DeliveryOutcome.Delivered, "HTTP 200 OK: ok", "Test message to ops delivered: HTTP 200 OK: ok")]
    [InlineData(DeliveryOutcome.Failed, "HTTP 400 Bad Request: no", "Test message to ops refused: HTTP 400 Bad Request: no")]
    [InlineData(DeliveryOutcome.Retry, "ConnectionRefused: Connection refused",
        "Test message to ops not delivered (a passing failure, an alert would be retried): ConnectionRefused: Connection refused")]
    public void The_answer_says_whether_the_receiver_took_the_message_and_what_it_said(DeliveryOutcome outcome, string answer, string shown)
    {
        var test = new ChannelTestResult(1, "ops", new DeliveryAnswer(outcome, answer));

        Assert.Equal(shown, test.Text);
        Assert.Equal(outcome == DeliveryOutcome.Delivered, test.Delivered);
    }

    [Fact]
    public void The_test_message_says_it_is_a_test_for_a_made_up_target()
    {
        var now = DateTimeOffset.UnixEpoch.AddDays(20000);
        var message = ChannelTest.Message("ops", now);

        Assert.Equal(("ops", ChannelTest.Rule, now), (message.Channel, message.Rule, message.CreatedAt));
        var alert = Assert.Single(message.Alerts);
        Assert.Equal(ChannelTest.Target, alert.Target);
        Assert.Null(alert.TargetId);
        Assert.Contains("test message", alert.Description, StringComparison.Ordinal);
        Assert.NotEqual(message.Id, ChannelTest.Message("ops", now).Id);
    }

    private static ChannelRow Row(long id, string name)
    {
        var (kind, url, settings, _) = ChannelRow.Of(new ChannelDefinition(name, ChannelKind.Webhook, new Uri("http://127.0.0.1:9/hook"), [], null));
        return new ChannelRow(id, name, kind, url, settings, (int)id, At, At);
    }
}
