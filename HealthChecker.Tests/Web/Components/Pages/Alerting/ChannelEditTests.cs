using Bunit;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using HealthChecker.Web.Alerting;
using HealthChecker.Web.Auth;
using HealthChecker.Web.Hosting;
using HealthChecker.Core.Alerting.Delivery.Messages;
using HealthChecker.Web.Components.Pages.Alerting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Components.Pages.Alerting;

/// <summary>A channel's edit page on the real store and editor (a real PostgreSQL): its message templates, checked as the API checks them.</summary>
public sealed class ChannelEditTests : HistoryPageContext
{
    private AlertSettingsStore Store => Services.GetRequiredService<AlertSettingsStore>();

    private void UseAlerting()
    {
        var store = new AlertSettingsStore(Db);
        var authServices = new ServiceCollection().AddLogging();
        authServices.AddAuthorizationBuilder().AddPolicy(AuthSchemes.AdminPolicy, AuthExtensions.AdminPolicy);
        var authorization = authServices.BuildServiceProvider().GetRequiredService<IAuthorizationService>();
        Services.AddSingleton(store);
        Services.AddSingleton<IAlertSettingsPages>(store);
        Services.AddSingleton<IAlertEditor>(new AlertEditor(store, authorization, TestLog.Silent));
        Auth.SetAuthorized("admin").SetRoles(AuthSchemes.AdminRole);
    }

    private Task<ChannelRow> AddChannelAsync(MessageTemplates templates) =>
        Store.CreateChannelAsync(new ChannelDefinition("ops", ChannelKind.Slack, new Uri("http://127.0.0.1:9/hook"), [], null) { Templates = templates });

    [Fact]
    public async Task A_template_that_does_not_parse_is_refused_with_the_parsers_message_and_nothing_is_saved()
    {
        UseAlerting();
        var stored = await AddChannelAsync(MessageTemplates.Defaults);
        var page = Render<ChannelEdit>(p => p.Add(e => e.Id, stored.Id));
        page.WaitForElement("#channel-template-title");

        page.Find("#channel-url").Change("http://127.0.0.1:10/other");
        page.Find("#channel-template-title").Change("{% if %}DOWN");
        await page.Find("form").SubmitAsync();

        var errors = page.WaitForElement("[data-errors-for='templates.title']");
        Assert.StartsWith("is not a valid Liquid template: ", errors.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal(AlertTemplates.Validate("{% if %}DOWN"), errors.TextContent.Trim());
        var after = await Store.GetChannelAsync(stored.Id);
        Assert.Equal((stored.Url, stored.Settings, stored.UpdatedAt), (after!.Url, after.Settings, after.UpdatedAt));
    }

    [Fact]
    public async Task Templates_set_in_the_page_are_saved_and_shown_again_and_an_unchanged_edit_keeps_them()
    {
        UseAlerting();
        var kept = new MessageTemplates(null, "{{ first.target }}: {{ first.failure }}", null);
        var stored = await AddChannelAsync(kept);

        // Shown as they are, and kept by a save that changes something else.
        var page = Render<ChannelEdit>(p => p.Add(e => e.Id, stored.Id));
        Assert.Equal(kept.Text, page.WaitForElement("#channel-template-text").GetAttribute("value") ?? page.Find("#channel-template-text").TextContent);
        page.Find("#channel-url").Change("http://127.0.0.1:10/other");
        await page.Find("form").SubmitAsync();
        await EventuallyAsync(async () => (await Store.GetChannelAsync(stored.Id))!.Url == "http://127.0.0.1:10/other", "the new URL stored");
        Assert.Equal(kept, (await Store.GetChannelAsync(stored.Id))!.ToDefinition().Templates);

        // A title set in the page is stored; clearing every box goes back to the defaults.
        var again = Render<ChannelEdit>(p => p.Add(e => e.Id, stored.Id));
        again.WaitForElement("#channel-template-title").Change("{{ status | upcase }}: {{ count }}");
        await again.Find("form").SubmitAsync();
        await EventuallyAsync(async () => (await Store.GetChannelAsync(stored.Id))!.ToDefinition().Templates == kept with { Title = "{{ status | upcase }}: {{ count }}" },
            "the title stored");

        var cleared = Render<ChannelEdit>(p => p.Add(e => e.Id, stored.Id));
        cleared.WaitForElement("#channel-template-title").Change("");
        cleared.Find("#channel-template-text").Change("  ");
        await cleared.Find("form").SubmitAsync();
        await EventuallyAsync(async () => (await Store.GetChannelAsync(stored.Id))!.ToDefinition().Templates == MessageTemplates.Defaults, "the defaults again");
    }
}
