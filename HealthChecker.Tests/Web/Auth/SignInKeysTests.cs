using System.Net;
using System.Text.RegularExpressions;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using Npgsql;

namespace HealthChecker.Tests.Web.Auth;

/// <summary>The keys that sign the sign-in cookie are kept in the database, so a sign-in outlives the process.</summary>
public sealed partial class SignInKeysTests
{
    private const string Password = "keys-test-password";

    [Fact(Timeout = 240_000)]
    public async Task A_sign_in_cookie_is_still_valid_after_a_restart_on_the_same_database()
    {
        var database = await TestDatabase.CreateEmptyAsync();
        var cookies = new CookieContainer();

        // A new home each time, as in a new container: no key can come from a file.
        var firstHome = TempFolder.Create("hc-home");
        var secondHome = TempFolder.Create("hc-home");
        try
        {
            await SignInRestartAndCheckAsync(database, firstHome, secondHome, cookies);
        }
        finally
        {
            TempFolder.Delete(firstHome);
            TempFolder.Delete(secondHome);
        }
    }

    private static async Task SignInRestartAndCheckAsync(string database, string firstHome, string secondHome, CookieContainer cookies)
    {
        var first = await WebAppProcess.StartAsync(Environment(database, firstHome));
        await using (first)
        {
            using var client = Client(first, cookies);
            Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("targets/import")).StatusCode);
            await SignInAsync(client);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("targets/import")).StatusCode);
            await first.StopAsync();
        }

        await using (var conn = new NpgsqlConnection(database))
        {
            await conn.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM hc_private.data_protection_keys", conn);
            Assert.Equal(1L, await count.ExecuteScalarAsync());
        }

        var second = await WebAppProcess.StartAsync(Environment(database, secondHome));
        await using (second)
        {
            using var client = Client(second, cookies);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("targets/import")).StatusCode);
            using var stranger = Client(second, new CookieContainer());
            Assert.Equal(HttpStatusCode.Redirect, (await stranger.GetAsync("targets/import")).StatusCode);
            await second.StopAsync();
        }
    }

    private static Dictionary<string, string> Environment(string database, string home) =>
        new() { ["HC_DATABASE"] = database, ["HC_ADMIN_PASSWORD"] = Password, ["HOME"] = home };

    private static HttpClient Client(WebAppProcess app, CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = app.BaseUrl };

    private static async Task SignInAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("login");
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "The login form carries no antiforgery token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.UserName"] = "admin",
            ["Input.Password"] = Password,
        });
        var answer = await client.PostAsync("login", form);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
