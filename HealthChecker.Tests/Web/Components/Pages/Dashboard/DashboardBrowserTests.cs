using System.Text.RegularExpressions;
using HealthChecker.Tests.Web.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Web.Components.Pages.Dashboard;

/// <summary>The real app (its own embedded PostgreSQL) in Debian's Chromium, driven by Playwright.</summary>
public sealed partial class DashboardBrowserTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task Dashboard_shows_the_navigation_goes_to_Targets_and_back_then_SIGTERM_stops_app_and_cluster()
    {
        Assert.True(File.Exists(HeadlessChromium.Path), $"{HeadlessChromium.Path} is missing: install Debian's Chromium (apt-get install chromium), as test.sh does.");

        var app = await WebAppProcess.StartAsync();
        await using var _ = app;
        int exitCode;
        try
        {
            await using var chromium = await HeadlessChromium.LaunchAsync();
            var browser = chromium.Browser;
            var page = await browser.NewPageAsync();

            await page.GotoAsync(app.BaseUrl.ToString());
            // Prerendered HTML drops clicks until the circuit is up: the layout renders this marker once it is.
            await page.Locator("[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

            var nav = page.GetByRole(AriaRole.Navigation, new PageGetByRoleOptions { Name = "Main" });
            foreach (var name in new[] { "Dashboard", "Targets", "Events" })
            {
                await Assertions.Expect(nav.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = name, Exact = true })).ToBeVisibleAsync();
            }

            // A fresh cluster starts with the two example targets.
            await Assertions.Expect(page.GetByText(ExampleName()).First).ToBeVisibleAsync();

            // Its rows are in the prerendered HTML already, before any circuit (Virtualize renders only in one).
            using (var http = new HttpClient { BaseAddress = app.BaseUrl })
            {
                var html = await http.GetStringAsync("/");
                Assert.Contains("class=\"target-row\"", html, StringComparison.Ordinal);
                Assert.Matches(ExampleName(), html);
            }

            await nav.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Targets", Exact = true }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(TargetsUrl());
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Targets", Level = 1 })).ToBeVisibleAsync();

            await nav.GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Dashboard", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText(ExampleName()).First).ToBeVisibleAsync();
        }
        finally
        {
            exitCode = await app.StopAsync();
            output.WriteLine(app.Output);
        }

        Assert.Equal(0, exitCode);
        Assert.Empty(app.PostgresProcesses());
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "pg", "postmaster.pid")), "postmaster.pid is left: the cluster was not stopped");
    }

    [GeneratedRegex("postgresql")]
    private static partial Regex ExampleName();

    [GeneratedRegex("/targets$")]
    private static partial Regex TargetsUrl();
}
