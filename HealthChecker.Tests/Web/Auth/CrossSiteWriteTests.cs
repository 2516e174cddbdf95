using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using HealthChecker.Tests.Web.Support;
using Npgsql;

namespace HealthChecker.Tests.Web.Auth;

/// <summary>
/// A page on another site that the signed-in admin visits cannot write: writes with the sign-in cookie need the app's own
/// origin or an antiforgery token, a foreign origin is refused whatever the credentials, scripts with HTTP Basic are unaffected.
/// </summary>
public sealed class CrossSiteWriteTests(ApiApp api) : IClassFixture<ApiApp>
{
    private const string Evil = "http://evil.example";
    private const string Yaml = "targets:\n  - name: xsite/planted\n    check: tcp://127.0.0.1:7\n";

    [Fact(Timeout = 120_000)]
    public async Task Cookie_writes_stating_a_foreign_origin_are_refused_with_403_problem_details_and_change_nothing()
    {
        using var admin = api.Admin();
        var id = await CreateAsync(admin, "xsite/kept");
        using var cookie = await CookieSession.SignInAsync(api.App.BaseUrl, ApiApp.Password);

        foreach (var request in Writes(id))
        {
            request.Headers.Add("Origin", Evil);
            await AssertRefusedAsync(cookie, request);
        }

        foreach (var request in Writes(id))
        {
            request.Headers.Add("Sec-Fetch-Site", "cross-site");
            await AssertRefusedAsync(cookie, request);
        }

        foreach (var request in Writes(id))
        {
            request.Headers.Add("Sec-Fetch-Site", "same-site");
            await AssertRefusedAsync(cookie, request);
        }

        await AssertUnchangedAsync(admin, id);
    }

    [Fact(Timeout = 120_000)]
    public async Task Cookie_writes_without_an_origin_or_an_antiforgery_token_are_refused()
    {
        using var admin = api.Admin();
        var id = await CreateAsync(admin, "xsite/kept-no-origin");
        using var cookie = await CookieSession.SignInAsync(api.App.BaseUrl, ApiApp.Password);

        foreach (var request in Writes(id))
        {
            await AssertRefusedAsync(cookie, request);
        }

        await AssertUnchangedAsync(admin, id);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_foreign_origin_is_refused_even_with_HTTP_Basic()
    {
        using var admin = api.Admin();
        var id = await CreateAsync(admin, "xsite/kept-basic");

        foreach (var request in Writes(id))
        {
            request.Headers.Add("Origin", Evil);
            await AssertRefusedAsync(admin, request);
        }

        await AssertUnchangedAsync(admin, id);
    }

    [Fact(Timeout = 120_000)]
    public async Task Writes_with_HTTP_Basic_and_no_origin_pass()
    {
        using var admin = api.Admin();

        await AssertWritesPassAsync(admin, "xsite/basic", _ => { });
    }

    [Fact(Timeout = 120_000)]
    public async Task Cookie_writes_from_the_apps_own_origin_or_with_an_antiforgery_token_pass()
    {
        using var cookie = await CookieSession.SignInAsync(api.App.BaseUrl, ApiApp.Password);
        var own = CookieSession.OriginOf(api.App.BaseUrl);
        var token = await CookieSession.FormTokenAsync(cookie, "login");

        await AssertWritesPassAsync(cookie, "xsite/own-origin", request => request.Headers.Add("Origin", own));
        await AssertWritesPassAsync(cookie, "xsite/same-origin", request => request.Headers.Add("Sec-Fetch-Site", "same-origin"));
        await AssertWritesPassAsync(cookie, "xsite/token", request => request.Headers.Add("RequestVerificationToken", token));
    }

    [Fact(Timeout = 120_000)]
    public async Task The_Blazor_hub_refuses_a_foreign_origin_and_serves_its_own_and_origin_less_requests()
    {
        using var anonymous = api.Anonymous();
        var own = CookieSession.OriginOf(api.App.BaseUrl);

        var foreign = await anonymous.SendAsync(Negotiate(Evil));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal("application/problem+json", foreign.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(Negotiate(null))).StatusCode);
        var negotiated = await anonymous.SendAsync(Negotiate(own));
        Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
        var connection = JsonDocument.Parse(await negotiated.Content.ReadAsStringAsync()).RootElement.GetProperty("connectionToken").GetString();

        var hub = new UriBuilder(api.App.BaseUrl) { Scheme = "ws", Path = "_blazor", Query = $"id={connection}" }.Uri;
        using var foreignSocket = new ClientWebSocket();
        foreignSocket.Options.CollectHttpResponseDetails = true;
        foreignSocket.Options.SetRequestHeader("Origin", Evil);
        await Assert.ThrowsAsync<WebSocketException>(() => foreignSocket.ConnectAsync(hub, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, foreignSocket.HttpStatusCode);

        using var ownSocket = new ClientWebSocket();
        ownSocket.Options.SetRequestHeader("Origin", own);
        await ownSocket.ConnectAsync(hub, CancellationToken.None);
        Assert.Equal(WebSocketState.Open, ownSocket.State);
    }

    [Fact(Timeout = 120_000)]
    public async Task Import_takes_only_the_yaml_content_types_and_answers_415_naming_them_otherwise()
    {
        using var admin = api.Admin();
        const string file = "targets:\n  - name: xsite/typed\n    check: tcp://127.0.0.1:9\n";

        foreach (var refused in new HttpContent[]
        {
            new StringContent(file, Encoding.UTF8, "text/plain"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["targets"] = "[]" }),
            new MultipartFormDataContent { { new StringContent(file), "file" } },
            new ByteArrayContent(Encoding.UTF8.GetBytes(file)),
        })
        {
            var answer = await admin.PostAsync("api/targets/import", refused);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            Assert.Contains("application/yaml", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await CountAsync("xsite/typed"));
        foreach (var type in new[] { "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "Application/YAML" })
        {
            var answer = await admin.PostAsync("api/targets/import", new StringContent(file, Encoding.UTF8, type));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        Assert.Equal(1, await CountAsync("xsite/typed"));
    }

    /// <summary>Create, replace, pause, resume, import (as text/plain and as YAML, both replacing everything) and delete.</summary>
    private static IEnumerable<HttpRequestMessage> Writes(long id)
    {
        yield return new(HttpMethod.Post, "api/targets") { Content = JsonContent.Create(new { name = "xsite/planted", check = "tcp://127.0.0.1:7" }) };
        yield return new(HttpMethod.Put, $"api/targets/{id}") { Content = JsonContent.Create(new { name = "xsite/renamed", check = "tcp://127.0.0.1:8" }) };
        yield return new(HttpMethod.Post, $"api/targets/{id}/pause");
        yield return new(HttpMethod.Post, $"api/targets/{id}/resume");
        yield return new(HttpMethod.Post, "api/targets/import?replace=true") { Content = new StringContent(Yaml, Encoding.UTF8, "text/plain") };
        yield return new(HttpMethod.Post, "api/targets/import?replace=true") { Content = new StringContent(Yaml, Encoding.UTF8, "application/yaml") };
        yield return new(HttpMethod.Delete, $"api/targets/{id}");
    }

    private static async Task AssertRefusedAsync(HttpClient client, HttpRequestMessage request)
    {
        var answer = await client.SendAsync(request);
        var what = $"{request.Method} {request.RequestUri} ({request.Headers})";
        Assert.True(answer.StatusCode == HttpStatusCode.Forbidden, $"{what}: {(int)answer.StatusCode}");
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Cross-site request refused", problem.GetProperty("title").GetString());
    }

    private async Task AssertUnchangedAsync(HttpClient admin, long id)
    {
        var kept = JsonDocument.Parse(await admin.GetStringAsync($"api/targets/{id}")).RootElement;
        Assert.Equal("true", kept.GetProperty("enabled").GetString());
        Assert.StartsWith("xsite/kept", kept.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("xsite/planted"));
        Assert.Equal(0, await CountAsync("xsite/renamed"));
    }

    private async Task AssertWritesPassAsync(HttpClient client, string name, Action<HttpRequestMessage> mark)
    {
        HttpRequestMessage Marked(HttpRequestMessage request)
        {
            mark(request);
            return request;
        }

        var created = await client.SendAsync(Marked(new(HttpMethod.Post, "api/targets") { Content = JsonContent.Create(new { name, check = "tcp://127.0.0.1:7" }) }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Marked(new(HttpMethod.Post, $"api/targets/{id}/pause")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Marked(new(HttpMethod.Post, $"api/targets/{id}/resume")))).StatusCode);
        var file = $"targets:\n  - name: {name}-imported\n    check: tcp://127.0.0.1:7\n";
        var imported = await client.SendAsync(Marked(new(HttpMethod.Post, "api/targets/import") { Content = new StringContent(file, Encoding.UTF8, "application/yaml") }));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(1, await CountAsync($"{name}-imported"));
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(Marked(new(HttpMethod.Delete, $"api/targets/{id}")))).StatusCode);
    }

    private static HttpRequestMessage Negotiate(string? origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "_blazor/negotiate?negotiateVersion=1");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    private static async Task<long> CreateAsync(HttpClient admin, string name)
    {
        var created = await admin.PostAsJsonAsync("api/targets", new { name, check = "tcp://127.0.0.1:10" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
    }

    private async Task<long> CountAsync(string fullName)
    {
        await using var conn = new NpgsqlConnection(api.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM targets WHERE group_name || '/' || name = $1", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = fullName });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
