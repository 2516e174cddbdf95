using System.Net;
using System.Net.Http.Json;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;

namespace HealthChecker.Tests.Web.Auth;

public sealed class AllowedOriginsTests
{
    private const string Password = "allowed origins password";

    [Fact(Timeout = 120_000)]
    public async Task With_HC_ALLOWED_ORIGINS_a_cookie_write_from_a_listed_origin_passes_and_any_other_foreign_origin_is_still_refused()
    {
        var app = await WebAppProcess.StartAsync(new Dictionary<string, string>
        {
            ["HC_DATABASE"] = await TestDatabase.CreateEmptyAsync(),
            ["HC_ADMIN_PASSWORD"] = Password,
            // As behind a proxy that ends TLS: the browser's origin is not the address the app sees.
            ["HC_ALLOWED_ORIGINS"] = "https://monitor.example.com",
        });
        await using var _ = app;
        using var cookie = await CookieSession.SignInAsync(app.BaseUrl, Password);

        Assert.Equal(HttpStatusCode.Created, (await cookie.SendAsync(Create("proxy/listed", "https://monitor.example.com"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await cookie.SendAsync(Create("proxy/other", "https://other.example.com"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await cookie.SendAsync(Create("proxy/plain", "http://monitor.example.com"))).StatusCode);
    }

    private static HttpRequestMessage Create(string name, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/targets") { Content = JsonContent.Create(new { name, check = "tcp://127.0.0.1:7" }) };
        request.Headers.Add("Origin", origin);
        return request;
    }
}
