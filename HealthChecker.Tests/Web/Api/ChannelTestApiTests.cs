using HealthChecker.Core.Alerting.Delivery.Channels;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;

namespace HealthChecker.Tests.Web.Api;

/// <summary><c>POST /api/channels/{id or name}/test</c> on the real app, against real receivers on loopback.</summary>
public sealed class ChannelTestApiTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 120_000)]
    public async Task A_test_message_reaches_the_receiver_at_once_marked_as_a_test_with_the_bearer_token_and_the_answer_says_delivered()
    {
        using var receiver = new WebhookReceiver();
        using var admin = api.Admin();
        var id = await CreateAsync(admin, "test-ok", receiver.Url, new Dictionary<string, string> { ["Authorization"] = "Bearer test-token" });

        var answer = await admin.PostAsync($"api/channels/{id}/test", null);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = await Json(answer);
        Assert.Equal((id, "test-ok", true, "delivered"), (body.GetProperty("id").GetInt64(), Str(body, "channel"), body.GetProperty("delivered").GetBoolean(), Str(body, "outcome")));
        Assert.Equal("HTTP 200 OK: ok", Str(body, "answer"));
        var hook = Assert.Single(receiver.Received);
        Assert.Equal("Bearer test-token", hook.Headers["Authorization"]);
        Assert.Equal(hook.MessageId, hook.Headers[WebhookSender.IdempotencyHeader]);
        Assert.Equal([ChannelTest.Target], hook.Targets);
        Assert.Equal(ChannelTest.Rule, hook.Alerts[0].GetProperty("labels").GetProperty("alertname").GetString());
        Assert.Contains("TEST message", hook.Alerts[0].GetProperty("annotations").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("TEST message from HealthChecker: no target is down", hook.Alerts[0].GetProperty("annotations").GetProperty("summary").GetString());

        // By name as well; a test is not a notification: nothing goes to the outbox.
        Assert.True((await Json(await admin.PostAsync("api/channels/test-ok/test", null))).GetProperty("delivered").GetBoolean());
        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(0L, await MonitorProbe.ScalarAsync(api.ConnectionString, "SELECT count(*) FROM hc_private.notification_outbox WHERE channel = 'test-ok'"));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_receiver_answering_400_is_shown_as_refused_with_its_answer_and_not_retried()
    {
        using var receiver = new WebhookReceiver(400);
        using var admin = api.Admin();
        var id = await CreateAsync(admin, "test-400", receiver.Url);

        var body = await Json(await admin.PostAsync($"api/channels/{id}/test", null));

        Assert.Equal((false, "failed", "HTTP 400 Bad Request: answer 400"), (body.GetProperty("delivered").GetBoolean(), Str(body, "outcome"), Str(body, "answer")));
        Assert.Single(receiver.Received);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_receiver_that_is_down_is_shown_as_not_delivered_with_the_connection_error_at_once()
    {
        using var receiver = new WebhookReceiver();
        receiver.Stop();
        using var admin = api.Admin();
        var id = await CreateAsync(admin, "test-down", receiver.Url);

        var body = await Json(await admin.PostAsync($"api/channels/{id}/test", null));

        Assert.Equal((false, "retry"), (body.GetProperty("delivered").GetBoolean(), Str(body, "outcome")));
        Assert.Contains("ConnectionRefused", Str(body, "answer"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Testing_needs_the_admin_and_an_unknown_channel_is_404_problem_details()
    {
        using var receiver = new WebhookReceiver();
        using var admin = api.Admin();
        var id = await CreateAsync(admin, "test-auth", receiver.Url);

        using var anonymous = api.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"api/channels/{id}/test", null)).StatusCode);
        var missing = await admin.PostAsync("api/channels/no-such-channel/test", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-such-channel", Str(await Json(missing), "detail"), StringComparison.Ordinal);

        // A cookie session's write from another site is refused before anything is sent.
        using var cookie = await CookieSession.SignInAsync(api.App.BaseUrl, ApiApp.Password);
        using var foreign = new HttpRequestMessage(HttpMethod.Post, $"api/channels/{id}/test");
        foreign.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await cookie.SendAsync(foreign)).StatusCode);
        Assert.Empty(receiver.Received);
    }

    private static async Task<long> CreateAsync(HttpClient admin, string name, Uri url, Dictionary<string, string>? headers = null)
    {
        var created = await admin.PostAsJsonAsync("api/channels", new { name, webhook = url.ToString(), headers = headers ?? [] });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await Json(created)).GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static string? Str(JsonElement e, string name) => e.GetProperty(name).GetString();
}
