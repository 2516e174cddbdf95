using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using HealthChecker.Tests.Web.Support;
using Microsoft.Playwright;
using Npgsql;

using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Web.Components.Pages.Targets;

/// <summary>The targets page of the real app, in Debian's Chromium driven by Playwright.</summary>
public sealed partial class TargetsBrowserTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 300_000)]
    public async Task Signed_in_a_target_for_a_loopback_listener_is_added_listed_paused_and_deleted_after_confirmation()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await browser.Browser.NewPageAsync();
        await SignInAsync(page);

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Add target", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Add target", Level = 1 })).ToBeVisibleAsync();
        await FillAsync(page, "#target-name", "loop/listener");
        await FillAsync(page, "#target-check", $"tcp://127.0.0.1:{port}");
        await FillAsync(page, "#target-inter", "1s");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Add target", Exact = true }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(TargetsUrl());
        var row = page.Locator("tr[data-target-name='loop/listener']");
        await Assertions.Expect(row).ToContainTextAsync($"tcp://127.0.0.1:{port}");
        await Assertions.Expect(row).ToContainTextAsync("enabled");
        Assert.Equal(1, await CountAsync("loop/listener"));

        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Pause" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("paused");

        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(row.GetByRole(AriaRole.Alert)).ToContainTextAsync("Delete loop/listener and its history?");
        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Yes, delete" }).ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        Assert.Equal(0, await CountAsync("loop/listener"));

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign out" }).ClickAsync();
        await WaitInteractiveAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(api.App.BaseUrl, "targets/new").ToString());
        await Assertions.Expect(page).ToHaveURLAsync(LoginUrl());
    }

    [Fact(Timeout = 300_000)]
    public async Task A_bad_port_shows_its_message_beside_the_check_URL_and_saves_nothing()
    {
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await browser.Browser.NewPageAsync();
        await SignInAsync(page);
        var before = await CountAsync();

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Add target", Exact = true }).ClickAsync();
        await FillAsync(page, "#target-name", "loop/bad-port");
        await FillAsync(page, "#target-check", "tcp://127.0.0.1:70000");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Add target", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator("[data-errors-for='check']")).ToHaveTextAsync("port 70000 is out of range: use 1 to 65535");
        await Assertions.Expect(page).ToHaveURLAsync(NewTargetUrl());
        Assert.Equal(before, await CountAsync());
    }

    [Fact(Timeout = 300_000)]
    public async Task Import_lists_each_error_with_its_line_and_applies_nothing_then_applies_a_good_file_whole()
    {
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await browser.Browser.NewPageAsync();
        await SignInAsync(page);
        var before = await CountAsync();

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Import", Exact = true }).ClickAsync();
        await FillAsync(page, "#import-yaml", "targets:\n  - name: ui/good\n    check: tcp://127.0.0.1:40\n  - name: ui/bad\n    check: tcp://127.0.0.1\n    rise: 0\n");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Import", Exact = true }).ClickAsync();

        var errors = page.GetByTestId("import-errors").Locator("li");
        await Assertions.Expect(errors).ToHaveTextAsync([
            "line 5: targets[2] (ui/bad).check: tcp:// needs a port, as in tcp://127.0.0.1:PORT",
            "line 6: targets[2] (ui/bad).rise: '0' must be a whole number from 1 to 100",
        ]);
        Assert.Equal(before, await CountAsync());

        await FillAsync(page, "#import-yaml", "targets:\n  - name: ui/good\n    check: tcp://127.0.0.1:40\n  - name: ui/other\n    check: tcp://127.0.0.1:41\n");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Import", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Imported: 2 added, 0 updated, 0 deleted, 0 unchanged.");
        Assert.Equal(before + 2, await CountAsync());
    }

    [Fact(Timeout = 300_000)]
    public async Task A_target_named_like_a_script_shows_as_text_and_runs_nothing()
    {
        const string name = "<script>alert(1)</script>";
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await browser.Browser.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        await SignInAsync(page);

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Add target", Exact = true }).ClickAsync();
        await FillAsync(page, "#target-name", name);
        await FillAsync(page, "#target-check", "tcp://127.0.0.1:9");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Add target", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator("td.name", new PageLocatorOptions { HasText = "alert(1)" })).ToHaveTextAsync(name);
        Assert.Equal(1, await CountAsync(name));

        // The prerendered HTML of a fresh load and the dashboard escape it too.
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("td.name", new PageLocatorOptions { HasText = "alert(1)" })).ToHaveTextAsync(name);
        await page.GotoAsync(api.App.BaseUrl.ToString());
        await WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("td", new PageLocatorOptions { HasText = "script>" }).First).ToBeVisibleAsync();
        // No script element came from the name (the page's own import map is the only inline one).
        Assert.Equal(0, await page.EvaluateAsync<int>("() => [...document.scripts].filter(s => s.textContent.includes('alert')).length"));
        Assert.Empty(dialogs);
    }

    [Fact(Timeout = 300_000)]
    public async Task Without_sign_in_the_list_has_no_actions_and_the_edit_pages_send_to_login()
    {
        using var admin = api.Admin();
        var created = await admin.PostAsync("api/targets", new StringContent("""{"name":"view/only","check":"tcp://127.0.0.1:7"}""", System.Text.Encoding.UTF8, "application/json"));
        var id = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await browser.Browser.NewPageAsync();

        await page.GotoAsync(new Uri(api.App.BaseUrl, "targets").ToString());
        await WaitInteractiveAsync(page);
        var row = page.Locator("tr[data-target-name='view/only']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("sign-in-to-edit")).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Button).CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Add target" }).CountAsync());

        foreach (var path in new[] { $"targets/{id}/edit", "targets/new", "targets/import" })
        {
            await page.GotoAsync(new Uri(api.App.BaseUrl, path).ToString());
            await Assertions.Expect(page).ToHaveURLAsync(LoginUrl());
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        }

        Assert.Equal(1, await CountAsync("view/only"));
    }

    private async Task SignInAsync(IPage page)
    {
        await page.GotoAsync(new Uri(api.App.BaseUrl, "login?ReturnUrl=%2Ftargets").ToString());
        await page.Locator("#login-password").FillAsync(ApiApp.Password);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(TargetsUrl());
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

    private async Task<long> CountAsync(string? fullName = null)
    {
        await using var conn = new NpgsqlConnection(api.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM targets WHERE $1::text IS NULL OR group_name || '/' || name = $1", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)fullName ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [GeneratedRegex("/targets$")]
    private static partial Regex TargetsUrl();

    [GeneratedRegex("/targets/new$")]
    private static partial Regex NewTargetUrl();

    [GeneratedRegex("/login\\?ReturnUrl=")]
    private static partial Regex LoginUrl();
}
