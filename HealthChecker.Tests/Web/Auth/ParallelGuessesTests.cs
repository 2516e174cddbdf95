using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using HealthChecker.Tests.Web.Support;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Auth;

/// <summary>Password guesses sent in parallel from one address are slowed like sequential ones (its own app: the throttle remembers the address).</summary>
public sealed partial class ParallelGuessesTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 120_000)]
    public async Task Of_100_parallel_wrong_Basic_guesses_a_handful_are_checked_the_others_are_told_to_wait_and_the_right_password_still_gets_in()
    {
        using var wrong = api.Admin("not the password");
        var loggedBefore = FailedSignIn().Matches(api.App.Output).Count;

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => wrong.PostAsync("api/targets/999999/pause", null)));

        var checkedGuesses = answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized);
        var toldToWait = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(checkedGuesses, 1, 10);
        Assert.Equal(100 - checkedGuesses, toldToWait.Count);
        await EventuallyAsync(() => Task.FromResult(FailedSignIn().Matches(api.App.Output).Count - loggedBefore >= checkedGuesses), "every checked guess is logged");
        Assert.Equal(checkedGuesses, FailedSignIn().Matches(api.App.Output).Count - loggedBefore);
        foreach (var answer in toldToWait)
        {
            Assert.True(answer.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {answer.Headers.RetryAfter}");
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            Assert.Equal(429, JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
        }

        // The right password waits at most its turn: authenticated, the unknown target is 404.
        using var admin = api.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("api/targets/999999/pause", null)).StatusCode);
    }

    [Fact(Timeout = 120_000)]
    public async Task Once_the_right_password_has_verified_a_scripts_parallel_Basic_requests_all_pass()
    {
        using var admin = api.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("api/targets/999999/pause", null)).StatusCode);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => admin.PostAsync("api/targets/999999/pause", null)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NotFound, a.StatusCode));
    }

    [Fact(Timeout = 120_000)]
    public async Task Parallel_wrong_passwords_on_the_login_form_are_told_to_wait_with_429_and_when()
    {
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = api.App.BaseUrl };
        var token = await CookieSession.FormTokenAsync(client, "login");

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.PostAsync("login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = "admin",
            ["Input.Password"] = "not the password",
        }))));

        var toldToWait = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(toldToWait.Count, 10, 19);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        foreach (var answer in toldToWait)
        {
            Assert.NotNull(answer.Headers.RetryAfter?.Delta);
            Assert.Contains("Too many sign-in attempts from your address", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("Failed sign-in as")]
    private static partial Regex FailedSignIn();
}
