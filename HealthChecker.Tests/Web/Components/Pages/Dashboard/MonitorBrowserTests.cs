using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using HealthChecker.Tests.Web.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Web.Components.Pages.Dashboard;

/// <summary>
/// The live path end to end: the real app checks a loopback listener this test runs, and Debian's Chromium
/// shows the dashboard change without a reload. With <c>HC_SCREENSHOTS</c> set to a folder, it also saves
/// dashboard.png, target-detail.png and target-form.png there (the pictures in docs/screenshots). With
/// <c>HC_WALK_URL</c> (and <c>HC_WALK_PASSWORD</c>) it walks an app started elsewhere, such as by <c>./run.sh</c>,
/// instead of its own.
/// </summary>
public sealed partial class MonitorBrowserTests(ApiApp api, ITestOutputHelper output) : IClassFixture<ApiApp>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 60_000 };

    private Uri BaseUrl => Environment.GetEnvironmentVariable("HC_WALK_URL") is { Length: > 0 } url ? new Uri(url) : api.App.BaseUrl;

    private static string Password => Environment.GetEnvironmentVariable("HC_WALK_PASSWORD") is { Length: > 0 } password ? password : ApiApp.Password;

    [Fact(Timeout = 300_000)]
    public async Task A_target_added_in_the_browser_shows_UP_turns_DOWN_live_when_its_listener_stops_and_the_change_is_an_event()
    {
        Assert.True(File.Exists(HeadlessChromium.Path), $"{HeadlessChromium.Path} is missing: install Debian's Chromium (apt-get install chromium), as test.sh does.");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var browser = chromium.Browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        try
        {
            await page.GotoAsync(new Uri(BaseUrl, "login?ReturnUrl=%2Ftargets").ToString());
            await page.Locator("#login-password").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(TargetsUrl());
            await WaitInteractiveAsync(page);

            await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Add target", Exact = true }).ClickAsync();
            await FillAsync(page, "#target-name", "loop/listener");
            await FillAsync(page, "#target-check", $"tcp://127.0.0.1:{port}");
            await FillAsync(page, "#target-inter", "1s");
            await Screenshot(page, "target-form.png");
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Add target", Exact = true }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(TargetsUrl());

            await page.GetByRole(AriaRole.Navigation, new PageGetByRoleOptions { Name = "Main" })
                .GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Dashboard", Exact = true }).ClickAsync();
            var row = page.Locator("tr.target-row[data-target-name='loop/listener']");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "UP", Live);
            // UP after a check that passed, not only the configured start.
            await Assertions.Expect(row.Locator(".last")).ToContainTextAsync("L4OK", new LocatorAssertionsToContainTextOptions { Timeout = 60_000 });

            // Connection refused from now on: fall (3) failures later the row turns DOWN, pushed over the circuit.
            listener.Stop();
            await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "DOWN", Live);
            await Assertions.Expect(row.Locator(".last")).ToContainTextAsync("L4CON Connection refused");
            await Screenshot(page, "dashboard.png");

            await row.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "listener" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "loop/listener", Level = 1 })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".head .badge")).ToHaveTextAsync("DOWN");
            await Assertions.Expect(page.Locator("[data-testid=changes] tbody tr").First).ToContainTextAsync("Connection refused", new LocatorAssertionsToContainTextOptions { Timeout = 60_000 });
            await Screenshot(page, "target-detail.png");

            await page.GetByRole(AriaRole.Navigation, new PageGetByRoleOptions { Name = "Main" })
                .GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Events", Exact = true }).ClickAsync();
            var down = page.Locator("tr[data-target-name='loop/listener'][data-to-state='DOWN']");
            await Assertions.Expect(down).ToHaveCountAsync(1);
            await Assertions.Expect(down).ToContainTextAsync("Connection refused");
        }
        finally
        {
            listener.Dispose();
            output.WriteLine(api.App.Output);
        }
    }

    // Only when asked: the pictures of the docs come from this same run.
    private static async Task Screenshot(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("HC_SCREENSHOTS");
        if (!string.IsNullOrWhiteSpace(folder))
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
        }
    }

    private static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    private static async Task FillAsync(IPage page, string selector, string value)
    {
        var box = page.Locator(selector);
        await box.FillAsync(value);
        await box.BlurAsync();
    }

    [GeneratedRegex("/targets$")]
    private static partial Regex TargetsUrl();
}
