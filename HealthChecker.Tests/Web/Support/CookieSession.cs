using System.Net;
using System.Text.RegularExpressions;

namespace HealthChecker.Tests.Web.Support;

/// <summary>A client signed in through the /login form, as a browser is: it sends the hc_auth cookie and nothing else.</summary>
public static partial class CookieSession
{
    public static async Task<HttpClient> SignInAsync(Uri baseUrl, string password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = await FormTokenAsync(client, "login"),
            ["Input.UserName"] = "admin",
            ["Input.Password"] = password,
        });
        var answer = await client.PostAsync("login", form);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        return client;
    }

    /// <summary>The antiforgery token of the form on <paramref name="page"/>, for the client's own cookies and user.</summary>
    public static async Task<string> FormTokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var token = AntiforgeryField().Match(html);
        Assert.True(token.Success, $"{page} carries no antiforgery token");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    /// <summary>scheme://host:port of <paramref name="baseUrl"/>, as a browser sends it in Origin.</summary>
    public static string OriginOf(Uri baseUrl) => baseUrl.GetLeftPart(UriPartial.Authority);

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
