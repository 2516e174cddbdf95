using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using HealthChecker.Tests.Alerting;
using HealthChecker.Tests.Web.Support;
using Npgsql;

namespace HealthChecker.Tests.Web.Api;

/// <summary>/api/channels, /api/alerts and the alerting sections of import and export, on the real app and a real PostgreSQL.</summary>
public sealed class AlertingApiTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 120_000)]
    public async Task The_issue_file_imports_as_it_stands_and_the_export_carries_it_back()
    {
        using var admin = api.Admin();

        var imported = await admin.PostAsync("api/targets/import", Yaml(AlertsFileTests.IssueFile));

        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var counts = await Json(imported);
        Assert.Equal((1, 1), (counts.GetProperty("channels").GetInt32(), counts.GetProperty("rules").GetInt32()));
        var channel = (await Json(await admin.GetAsync("api/channels"))).EnumerateArray().Single(c => Str(c, "name") == "ops");
        Assert.Equal(("webhook", "http://127.0.0.1:9000/hook"), (Str(channel, "kind"), Str(channel, "webhook")));
        var rule = (await Json(await admin.GetAsync("api/alerts"))).EnumerateArray().Single(r => Str(r, "name") == "shop/*");
        Assert.Equal(("shop/*", "5s", "10s", "true"), (Str(rule, "targets"), Str(rule, "group-wait"), Str(rule, "group-interval"), Str(rule, "resolved")));
        Assert.Equal(["ops"], rule.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));

        var export = await admin.GetStringAsync("api/targets/export");
        Assert.StartsWith("channels:\n- name: ops\n  webhook: http://127.0.0.1:9000/hook\nalerts:\n- name: shop/*\n  targets: shop/*\n", export, StringComparison.Ordinal);
        var again = await admin.PostAsync("api/targets/import", Yaml(export));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var counts2 = await Json(again);
        Assert.Equal((0, 0, 0), (counts2.GetProperty("created").GetInt32(), counts2.GetProperty("updated").GetInt32(), counts2.GetProperty("deleted").GetInt32()));
        Assert.Equal(channel.GetProperty("id").GetInt64(), (await Json(await admin.GetAsync("api/channels"))).EnumerateArray().Single(c => Str(c, "name") == "ops").GetProperty("id").GetInt64());

        // Reading is open, but a chat webhook's URL is a credential: the export without sign-in leaves channels and rules out.
        using var anonymous = api.Anonymous();
        var open = await anonymous.GetStringAsync("api/targets/export");
        Assert.StartsWith("targets:\n", open, StringComparison.Ordinal);
        Assert.DoesNotContain("9000/hook", open, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_channel_round_trips_without_ever_showing_its_kept_secrets()
    {
        using var admin = api.Admin();
        var created = await admin.PostAsJsonAsync("api/channels", new
        {
            name = "crud-hook",
            webhook = "https://hooks.example.com/x",
            headers = new Dictionary<string, string> { ["Authorization"] = "Bearer top-secret", ["X-Env"] = "${HOOK_ENV}" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var text = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain("top-secret", text, StringComparison.Ordinal);
        var body = JsonDocument.Parse(text).RootElement;
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal($"/api/channels/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("${HC_SECRET_CRUD_HOOK_AUTHORIZATION}", body.GetProperty("headers").GetProperty("Authorization").GetString());
        Assert.Equal("${HOOK_ENV}", body.GetProperty("headers").GetProperty("X-Env").GetString());
        Assert.Equal(["headers.Authorization"], body.GetProperty("kept").EnumerateArray().Select(k => k.GetString()));

        // What GET returns can be sent back with PUT: the kept value stays.
        var got = await admin.GetStringAsync($"api/channels/{id}");
        Assert.DoesNotContain("top-secret", got, StringComparison.Ordinal);
        var changed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(got)!;
        changed["webhook"] = JsonSerializer.SerializeToElement("https://hooks.example.com/y");
        var put = await admin.PutAsJsonAsync($"api/channels/{id}", changed);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("https://hooks.example.com/y", Str(await Json(put), "webhook"));
        Assert.Equal(["Bearer top-secret"], await SecretsAsync(id));

        var rule = await admin.PostAsJsonAsync("api/alerts", new { targets = "crud/*", channels = new[] { "crud-hook" }, repeat = "1h" });
        Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
        var ruleId = (await Json(rule)).GetProperty("id").GetInt64();
        var inUse = await admin.DeleteAsync($"api/channels/{id}");
        Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        Assert.Equal(["is used by the rule 'crud/*': change or delete it first"], Messages((await Json(inUse)).GetProperty("errors"), "name"));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"api/alerts/{ruleId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"api/channels/{id}")).StatusCode);
        Assert.Empty(await SecretsAsync(id));
        var gone = await admin.GetAsync($"api/channels/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"api/alerts/{ruleId}")).StatusCode);
    }

    [Fact(Timeout = 120_000)]
    public async Task Invalid_channels_and_rules_are_400_keyed_by_field_in_the_files_words_and_a_taken_name_is_409()
    {
        using var admin = api.Admin();

        var channel = await admin.PostAsJsonAsync("api/channels", new { name = "bad", webhook = "ftp://example.com/x", headers = new { Authorization = "Bearer ${T}" } });
        Assert.Equal(HttpStatusCode.BadRequest, channel.StatusCode);
        var errors = (await Json(channel)).GetProperty("errors");
        Assert.Equal(["'ftp://example.com/x' is not an http:// or https:// URL"], Messages(errors, "webhook"));
        Assert.Single(Messages(errors, "headers.Authorization"));

        var rule = await admin.PostAsJsonAsync("api/alerts", new { targets = "a/b/c", channels = new[] { "x" }, group_wait = "1s" });
        Assert.Equal(HttpStatusCode.BadRequest, rule.StatusCode);
        Assert.Equal(["'a/b/c' must be a group or group/name, with both parts non-empty and one slash"], Messages((await Json(rule)).GetProperty("errors"), "targets"));

        var missing = await admin.PostAsJsonAsync("api/alerts", new Dictionary<string, object> { ["targets"] = "val", ["channels"] = new[] { "nowhere" }, ["group-wait"] = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(["'nowhere' is not a channel: add the channel first"], Messages((await Json(missing)).GetProperty("errors"), "channels[1]"));

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("api/channels", new { name = "taken", ntfy = "https://ntfy.sh/hc" })).StatusCode);
        var taken = await admin.PostAsJsonAsync("api/channels", new { name = "taken", ntfy = "https://ntfy.sh/other" });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Single(Messages((await Json(taken)).GetProperty("errors"), "name"));

        var wrongType = await admin.PostAsync("api/alerts", new StringContent("""{"targets": "x", "channels": {"a": 1}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal("application/problem+json", wrongType.Content.Headers.ContentType?.MediaType);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_import_whose_alerting_does_not_hold_together_is_400_and_saves_nothing_not_even_its_targets()
    {
        using var admin = api.Admin();
        const string file = """
            alerts:
              - targets: nothing-here
                channels: [absent]
            targets:
              - name: nothing-here/t
                check: tcp://127.0.0.1:9
            """;

        var rejected = await admin.PostAsync("api/targets/import", Yaml(file));

        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Equal(["'absent' is not a channel: add the channel first"], Messages((await Json(rejected)).GetProperty("errors"), "alerts[1] (nothing-here).channels[1]"));
        await using var conn = new NpgsqlConnection(api.ConnectionString);
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("SELECT count(*)::int FROM targets WHERE group_name = 'nothing-here'"));

        var badLine = await admin.PostAsync("api/targets/import", Yaml("channels:\n  - name: x\n    webhook: nope\ntargets: []\n"));
        Assert.Equal(HttpStatusCode.BadRequest, badLine.StatusCode);
        Assert.Equal(["line 3: 'nope' is not an http:// or https:// URL"], Messages((await Json(badLine)).GetProperty("errors"), "channels[1] (x).webhook"));
    }

    [Fact(Timeout = 120_000)]
    public async Task Channels_need_the_admin_even_to_read_rules_read_openly_and_writes_follow_the_targets_rules()
    {
        using var anonymous = api.Anonymous();

        var list = await anonymous.GetAsync("api/channels");
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("api/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("api/alerts", new { targets = "x", channels = new[] { "y" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Admin("wrong").PostAsJsonAsync("api/channels", new { name = "n", webhook = "http://h/" })).StatusCode);

        using var admin = api.Admin();
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "api/channels") { Content = JsonContent.Create(new { name = "evil", webhook = "http://h/" }) };
        crossSite.Headers.Add("Origin", "https://evil.example");
        var refused = await admin.SendAsync(crossSite);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("\"evil\"", await admin.GetStringAsync("api/channels"), StringComparison.Ordinal);
    }

    private async Task<List<string>> SecretsAsync(long channelId)
    {
        await using var conn = new NpgsqlConnection(api.ConnectionString);
        return [.. await conn.QueryAsync<string>("SELECT value FROM hc_private.alert_channel_secrets WHERE channel_id = @channelId", new { channelId })];
    }

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static string? Str(JsonElement element, string name) => element.GetProperty(name).GetString();

    private static string[] Messages(JsonElement errors, string field) =>
        errors.TryGetProperty(field, out var list) ? [.. list.EnumerateArray().Select(e => e.GetString()!)] : [$"(no errors on {field}: {errors})"];
}
