using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;

namespace HealthChecker.Tests.Web.Auth;

public sealed class LoginRequiredTests
{
    [Fact(Timeout = 120_000)]
    public async Task With_HC_REQUIRE_LOGIN_pages_and_reads_need_sign_in_but_the_login_page_and_its_assets_do_not()
    {
        var app = await WebAppProcess.StartAsync(new Dictionary<string, string>
        {
            ["HC_DATABASE"] = await TestDatabase.CreateEmptyAsync(),
            ["HC_ADMIN_PASSWORD"] = "secret",
            ["HC_REQUIRE_LOGIN"] = "true",
        });
        await using var _ = app;
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseUrl };
        using var admin = new HttpClient { BaseAddress = app.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:secret")));

        var page = await anonymous.GetAsync("targets");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login?ReturnUrl=", page.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/targets")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/cluster")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("api/cluster")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("nodes")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("metrics")).StatusCode);
        // Load balancers and the app's own example target probe without credentials.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("healthz")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("login")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("_framework/blazor.web.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("api/targets")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("targets")).StatusCode);
    }
}
