using HealthChecker.Core.Alerting.Delivery.Channels;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using Microsoft.Playwright;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Components.Pages.Alerting;

/// <summary>Alerting set up in the real app's pages, in Debian's Chromium driven by Playwright, down to a real receiver.</summary>
public sealed partial class AlertingBrowserTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 300_000)]
    public async Task A_webhook_channel_and_rule_added_in_the_pages_send_the_alert_of_a_stopped_listener_and_the_log_shows_it_delivered()
    {
        using var receiver = new WebhookReceiver();
        using var listener = new SwitchablePeer(backlog: 4096);
        listener.Open();
        using var admin = api.Admin();
        var file = $"targets:\n  - name: browser/api\n    check: tcp://127.0.0.1:{listener.EndPoint.Port}\n    inter: 1s\n";
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("api/targets/import", new StringContent(file, Encoding.UTF8, "application/yaml"))).StatusCode);
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await browser.Browser.NewPageAsync();
        await SignInAsync(page);

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Add channel", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Add channel", Level = 1 })).ToBeVisibleAsync();
        await WaitInteractiveAsync(page);
        await FillAsync(page, "#channel-name", "browser-hook");
        await FillAsync(page, "#channel-url", receiver.Url.ToString());
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Add channel", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(AlertingUrl());
        var row = page.Locator("tr[data-channel-name='browser-hook']");
        await Assertions.Expect(row).ToContainTextAsync(receiver.Url.ToString());

        // The channel's test: sent at once, the receiver's answer shown.
        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Send test" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("test-answer")).ToHaveTextAsync("Test message to browser-hook delivered: HTTP 200 OK: ok");
        Assert.Equal([ChannelTest.Target], Assert.Single(receiver.Received).Targets);

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Add rule", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Add rule", Level = 1 })).ToBeVisibleAsync();
        await WaitInteractiveAsync(page);
        await FillAsync(page, "#rule-targets", "browser/*");
        await FillAsync(page, "#rule-channels", "browser-hook");
        await FillAsync(page, "#rule-group-wait", "1s");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Add rule", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(AlertingUrl());
        await Assertions.Expect(page.Locator("tr[data-rule-name='browser/*']")).ToBeVisibleAsync();

        await EventuallyAsync(async () => await StateAsync(admin, "browser/api") == "UP", "browser/api UP");
        listener.Close();
        await receiver.WaitForAsync(r => r.Any(h => h.Targets.Contains("browser/api")), "the alert of browser/api");
        var alert = receiver.Received.Single(h => h.Targets.Contains("browser/api"));
        Assert.Equal("firing", alert.PayloadStatus);
        await EventuallyAsync(async () => await ScalarAsync(api.ConnectionString, "SELECT count(*) FROM notifications WHERE channel = 'browser-hook' AND delivery = 'delivered'") == 1,
            "the message recorded delivered");

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Notifications", Exact = true }).ClickAsync();
        var logged = page.Locator($"tr[data-message-id='{alert.MessageId}']");
        await Assertions.Expect(logged).ToHaveAttributeAsync("data-delivery", "delivered");
        await Assertions.Expect(logged).ToContainTextAsync("browser-hook");
        await Assertions.Expect(logged).ToContainTextAsync("browser/api");
        await Assertions.Expect(logged).ToContainTextAsync("delivered");
    }

    private async Task SignInAsync(IPage page)
    {
        await page.GotoAsync(new Uri(api.App.BaseUrl, "login?ReturnUrl=%2Falerting").ToString());
        await page.Locator("#login-password").FillAsync(ApiApp.Password);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(AlertingUrl());
        await WaitInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("admin");
    }

    // Prerendered HTML drops clicks until the circuit is up: the layout renders this marker once it is.
    private static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    // Blazor's inputs bind on change: leave the box so the value reaches the circuit before the click.
    private static async Task FillAsync(IPage page, string selector, string value)
    {
        var box = page.Locator(selector);
        await box.FillAsync(value);
        await box.BlurAsync();
    }

    [GeneratedRegex("/alerting$")]
    private static partial Regex AlertingUrl();
}
