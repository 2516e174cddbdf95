using System.Net;
using System.Text;
using HealthChecker.Tests.Web.Support;

namespace HealthChecker.Tests.Web.Components.Pages.Alerting;

/// <summary>The alerting pages as the server renders them (before the circuit starts), on the real app.</summary>
public sealed class AlertingPageTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 120_000)]
    public async Task The_admin_sees_channels_and_rules_without_kept_secrets_and_others_are_sent_to_sign_in()
    {
        using var admin = api.Admin();
        const string file = """
            channels:
              - name: page-hook
                webhook: http://127.0.0.1:9000/hook
                headers:
                  Authorization: Bearer zq-page-secret
            alerts:
              - targets: page/*
                channels: [page-hook]
            targets: []
            """;
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("api/targets/import", new StringContent(file, Encoding.UTF8, "application/yaml"))).StatusCode);
        using var cookie = await CookieSession.SignInAsync(api.App.BaseUrl, ApiApp.Password);

        var html = await cookie.GetStringAsync("alerting");

        Assert.Contains("data-channel-name=\"page-hook\"", html, StringComparison.Ordinal);
        Assert.Contains("data-rule-name=\"page/*\"", html, StringComparison.Ordinal);
        Assert.Contains("Authorization (kept)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("zq-page-secret", html, StringComparison.Ordinal);

        var channelId = await MonitorProbe.ScalarAsync(api.ConnectionString, "SELECT id FROM hc_private.alert_channels WHERE name = 'page-hook'");
        var edit = await cookie.GetStringAsync($"alerting/channels/{channelId}/edit");
        Assert.Contains("${HC_SECRET_PAGE_HOOK_AUTHORIZATION}", System.Net.WebUtility.HtmlDecode(edit), StringComparison.Ordinal);
        Assert.DoesNotContain("zq-page-secret", edit, StringComparison.Ordinal);

        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = api.App.BaseUrl };
        var refused = await anonymous.GetAsync("alerting");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("login", refused.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }
}
