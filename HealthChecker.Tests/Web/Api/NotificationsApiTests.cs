using System.Net;
using System.Text.Json;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Tests.Web.Support;
using Npgsql;
using static HealthChecker.Tests.Web.Components.Pages.Notifications.NotificationLogRows;

namespace HealthChecker.Tests.Web.Api;

/// <summary><c>GET /api/notifications</c> on the real app: paged newest first, filtered, problem details for a bad query.</summary>
public sealed class NotificationsApiTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 120_000)]
    public async Task Messages_page_newest_first_by_limit_and_after_filter_by_target_and_channel_and_show_the_answer_to_the_admin_only()
    {
        await using (var db = NpgsqlDataSource.Create(api.ConnectionString))
        {
            await WriteAsync(db, [.. Enumerable.Range(1, 5).Select(n => Row(n, "api-ops", ["api/web"]))]);
            await WriteAsync(db, Row(6, "api-pager", ["api/db", "api/web"], DeliveryState.Failed, 2, "HTTP 400 Bad Request: token zq"));
        }

        using var admin = api.Admin();
        var first = await admin.GetAsync("api/notifications?limit=2&target=api/web");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var page = await Json(first);
        Assert.Equal((6, 2), (page.GetProperty("total").GetInt32(), page.GetProperty("limit").GetInt32()));
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["api-pager", "api-ops"], items.Select(i => i.GetProperty("channel").GetString()));
        Assert.Equal(("failed", 2, "HTTP 400 Bad Request: token zq"), (items[0].GetProperty("delivery").GetString(), items[0].GetProperty("attempts").GetInt32(), items[0].GetProperty("lastAnswer").GetString()));
        Assert.Equal(["api/db", "api/web"], items[0].GetProperty("targets").EnumerateArray().Select(t => t.GetString()));
        var next = page.GetProperty("next").GetString()!;
        Assert.Equal(items[1].GetProperty("id").GetString(), next);
        Assert.Equal($"</api/notifications?limit=2&after={next}&target=api%2Fweb>; rel=\"next\"", first.Headers.GetValues("Link").Single());

        var rest = new List<string>();
        string? after = next;
        while (after is not null)
        {
            var more = await Json(await admin.GetAsync($"api/notifications?limit=2&target=api/web&after={after}"));
            rest.AddRange(more.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("createdAt").GetString()!));
            // The last page has no next: the field is left out.
            after = more.TryGetProperty("next", out var n) ? n.GetString() : null;
        }

        Assert.Equal(4, rest.Count);
        Assert.Equal(rest.OrderDescending(), rest);
        Assert.Equal(5, (await Json(await admin.GetAsync("api/notifications?channel=api-ops"))).GetProperty("total").GetInt32());
        Assert.Equal(1, (await Json(await admin.GetAsync("api/notifications?target=api/db"))).GetProperty("total").GetInt32());

        using var anonymous = api.Anonymous();
        var open = await anonymous.GetStringAsync("api/notifications?channel=api-pager");
        Assert.Contains("details for the admin", open, StringComparison.Ordinal);
        Assert.DoesNotContain("zq", open, StringComparison.Ordinal);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("after=api/web", "after")]
    [InlineData("target=nogroup", "target")]
    [InlineData("limit=1&limit=2", "limit")]
    public async Task A_bad_query_is_400_problem_details_keyed_by_parameter(string query, string key)
    {
        using var anonymous = api.Anonymous();

        var answer = await anonymous.GetAsync($"api/notifications?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.True((await Json(answer)).GetProperty("errors").TryGetProperty(key, out _));
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
