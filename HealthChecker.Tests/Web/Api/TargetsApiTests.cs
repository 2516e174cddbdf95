using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HealthChecker.Tests.Web.Support;
using Npgsql;

namespace HealthChecker.Tests.Web.Api;

/// <summary>/api/targets on the real app and a real PostgreSQL.</summary>
public sealed class TargetsApiTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 120_000)]
    public async Task Create_get_update_pause_resume_list_and_delete_round_trip()
    {
        using var admin = api.Admin();

        var created = await admin.PostAsJsonAsync("api/targets", new
        {
            name = "crud/web",
            check = "http://127.0.0.1:8080/healthz",
            http = new { method = "HEAD", status = "200-299" },
            inter = "5s",
            rise = 3,
            enabled = true,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await Json(created);
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal($"/api/targets/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(("crud/web", "http", "127.0.0.1", 8080, "5s", "3"), (Str(body, "name"), Str(body, "kind"), Str(body, "host"), body.GetProperty("port").GetInt32(), Str(body, "inter"), Str(body, "rise")));
        Assert.Equal("HEAD", body.GetProperty("http").GetProperty("method").GetString());

        var got = await Json(await admin.GetAsync($"api/targets/{id}"));
        Assert.Equal("http://127.0.0.1:8080/healthz", Str(got, "check"));

        // What GET returns can be sent back with PUT.
        var changed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(got.GetRawText())!;
        changed["check"] = JsonSerializer.SerializeToElement("tcp://127.0.0.1:9090");
        changed.Remove("http");
        changed["connect-timeout"] = JsonSerializer.SerializeToElement("1s");
        var put = await admin.PutAsJsonAsync($"api/targets/{id}", changed);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(("tcp", 9090), (Str(await Json(put), "kind"), (await Json(put)).GetProperty("port").GetInt32()));
        Assert.Equal("1s", Str(await Json(await admin.GetAsync($"api/targets/{id}")), "connect-timeout"));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"api/targets/{id}/pause", null)).StatusCode);
        Assert.Equal("false", Str(await Json(await admin.GetAsync($"api/targets/{id}")), "enabled"));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"api/targets/{id}/resume", null)).StatusCode);
        Assert.Equal("true", Str(await Json(await admin.GetAsync($"api/targets/{id}")), "enabled"));

        var list = await Json(await admin.GetAsync($"api/targets?limit=1&after={Uri.EscapeDataString("crud/wea")}"));
        Assert.Equal(id, list.GetProperty("items")[0].GetProperty("id").GetInt64());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"api/targets/{id}")).StatusCode);
        var gone = await admin.GetAsync($"api/targets/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"api/targets/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"api/targets/{id}", new { name = "crud/x", check = "tcp://127.0.0.1:1" })).StatusCode);
    }

    [Fact(Timeout = 120_000)]
    public async Task Invalid_fields_are_problem_details_keyed_by_field_with_the_validators_messages_and_nothing_is_saved()
    {
        using var admin = api.Admin();
        var before = await CountAsync();

        var response = await admin.PostAsJsonAsync("api/targets", new { name = "bad/one", check = "tcp://127.0.0.1:99999", rise = 0, inter = "2s", timeout = "5s" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await Json(response)).GetProperty("errors");
        Assert.Equal(["port 99999 is out of range: use 1 to 65535"], Messages(errors, "check"));
        Assert.Equal(["'0' must be a whole number from 1 to 100"], Messages(errors, "rise"));
        Assert.Equal(["must not be above inter (2s)"], Messages(errors, "timeout"));
        Assert.Equal(before, await CountAsync());
    }

    [Fact(Timeout = 120_000)]
    public async Task Depends_on_round_trips_and_a_dependency_on_itself_missing_or_in_a_cycle_is_problem_details()
    {
        using var admin = api.Admin();
        var db = await admin.PostAsJsonAsync("api/targets", new Dictionary<string, object> { ["name"] = "dep/db", ["check"] = "tcp://127.0.0.1:44" });
        Assert.Equal(HttpStatusCode.Created, db.StatusCode);
        var created = await admin.PostAsJsonAsync("api/targets", new Dictionary<string, object> { ["name"] = "dep/api", ["check"] = "tcp://127.0.0.1:40", ["depends-on"] = "dep/db" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("dep/db", Str(await Json(created), "depends-on"));

        var self = await admin.PostAsJsonAsync("api/targets", new Dictionary<string, object> { ["name"] = "dep/self", ["check"] = "tcp://127.0.0.1:41", ["depends-on"] = "dep/self" });
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        Assert.Equal("application/problem+json", self.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["a target cannot depend on itself"], Messages((await Json(self)).GetProperty("errors"), "depends-on"));

        var missing = await admin.PostAsJsonAsync("api/targets", new Dictionary<string, object> { ["name"] = "dep/lost", ["check"] = "tcp://127.0.0.1:45", ["depends-on"] = "dep/nothere" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(["there is no target named 'dep/nothere': add it first"], Messages((await Json(missing)).GetProperty("errors"), "depends-on"));

        // dep/api depends on dep/db; dep/db may not depend on dep/api, directly or through dep/mid.
        var mid = await admin.PostAsJsonAsync("api/targets", new Dictionary<string, object> { ["name"] = "dep/mid", ["check"] = "tcp://127.0.0.1:43", ["depends-on"] = "dep/api" });
        Assert.Equal(HttpStatusCode.Created, mid.StatusCode);
        var dbId = (await Json(db)).GetProperty("id").GetInt64();
        var cycle = await admin.PutAsJsonAsync($"api/targets/{dbId}", new Dictionary<string, object> { ["name"] = "dep/db", ["check"] = "tcp://127.0.0.1:44", ["depends-on"] = "dep/mid" });
        Assert.Equal(HttpStatusCode.BadRequest, cycle.StatusCode);
        Assert.Equal(["'dep/mid' depends, through its own dependencies, on this target: a chain of dependencies must end at a target that depends on none"],
            Messages((await Json(cycle)).GetProperty("errors"), "depends-on"));
        Assert.Null((await Json(await admin.GetAsync($"api/targets/{dbId}"))).TryGetProperty("depends-on", out var none) && none.ValueKind == JsonValueKind.String ? none.GetString() : null);

        const string file = """
            targets:
              - name: dep/web
                check: tcp://127.0.0.1:42
                depends-on: dep/nothere
            """;
        var rejected = await admin.PostAsync("api/targets/import", new StringContent(file, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Equal(["line 4: 'dep/nothere' is not a target of this file: a file names every target it depends on"],
            Messages((await Json(rejected)).GetProperty("errors"), "targets[1] (dep/web).depends-on"));
        Assert.Equal(0, await CountAsync("dep/web"));
        Assert.Equal(0, await CountAsync("dep/self"));
        Assert.Equal(0, await CountAsync("dep/lost"));
    }

    [Fact(Timeout = 120_000)]
    public async Task Writes_without_credentials_or_with_a_wrong_password_are_401_and_change_nothing()
    {
        using var admin = api.Admin();
        var id = (await Json(await admin.PostAsJsonAsync("api/targets", new { name = "auth/kept", check = "tcp://127.0.0.1:10" }))).GetProperty("id").GetInt64();
        using var anonymous = api.Anonymous();
        using var wrong = api.Admin("not the password");

        foreach (var client in new[] { anonymous, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("api/targets", new { name = "auth/new", check = "tcp://127.0.0.1:11" })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PutAsJsonAsync($"api/targets/{id}", new { name = "auth/kept", check = "tcp://127.0.0.1:12" })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.DeleteAsync($"api/targets/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync($"api/targets/{id}/pause", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("api/targets/import", new StringContent("targets: []", Encoding.UTF8, "application/yaml"))).StatusCode);
        }

        // Reading is open by default.
        var kept = await Json(await anonymous.GetAsync($"api/targets/{id}"));
        Assert.Equal(("tcp://127.0.0.1:10", "true"), (Str(kept, "check"), Str(kept, "enabled")));
        Assert.Equal(0, await CountAsync("auth/new"));
        Assert.Contains("Failed sign-in as admin from 127.0.0.1", api.App.Output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_taken_name_is_409_with_the_error_on_name()
    {
        using var admin = api.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("api/targets", new { name = "dup/a", check = "tcp://127.0.0.1:20" })).StatusCode);
        var other = (await Json(await admin.PostAsJsonAsync("api/targets", new { name = "dup/b", check = "tcp://127.0.0.1:21" }))).GetProperty("id").GetInt64();

        var again = await admin.PostAsJsonAsync("api/targets", new { name = "dup/a", check = "tcp://127.0.0.1:22" });
        var rename = await admin.PutAsJsonAsync($"api/targets/{other}", new { name = "dup/a", check = "tcp://127.0.0.1:23" });

        foreach (var response in new[] { again, rename })
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal(["a target named 'dup/a' already exists"], Messages((await Json(response)).GetProperty("errors"), "name"));
        }

        Assert.Equal(1, await CountAsync("dup/a"));
        Assert.Equal(1, await CountAsync("dup/b"));
    }

    [Fact(Timeout = 120_000)]
    public async Task Import_checks_the_whole_file_first_applies_all_or_none_and_export_reads_back()
    {
        using var admin = api.Admin();
        const string bad = """
            targets:
              - name: imp/good
                check: tcp://127.0.0.1:30
              - name: imp/bad
                check: tcp://127.0.0.1:70000
            """;

        var rejected = await admin.PostAsync("api/targets/import", new StringContent(bad, Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        var errors = (await Json(rejected)).GetProperty("errors");
        Assert.Equal(["line 5: port 70000 is out of range: use 1 to 65535"], Messages(errors, "targets[2] (imp/bad).check"));
        Assert.Equal(0, await CountAsync("imp/good"));

        const string good = """
            targets:
              - name: imp/good
                check: tcp://127.0.0.1:30
              - name: imp/other
                check: http://127.0.0.1:31/ping
                http:
                  status: "200"
            """;
        var applied = await admin.PostAsync("api/targets/import", new StringContent(good, Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(2, (await Json(applied)).GetProperty("created").GetInt32());
        Assert.Equal(1, await CountAsync("imp/good"));

        var export = await admin.GetStringAsync("api/targets/export");
        Assert.Contains("- name: imp/other", export, StringComparison.Ordinal);
        Assert.Contains("check: http://127.0.0.1:31/ping", export, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_list_comes_in_pages_by_group_and_name_with_the_total_a_next_cursor_and_a_Link_header()
    {
        using var admin = api.Admin();
        var file = new StringBuilder("targets:\n");
        for (var i = 0; i < 23; i++)
        {
            // Names that sort differently as text and as numbers, in two groups.
            file.Append(System.Globalization.CultureInfo.InvariantCulture, $"  - name: paged-{i % 2}/t{i}\n    check: tcp://127.0.0.1:{40 + i}\n");
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("api/targets/import", new StringContent(file.ToString(), Encoding.UTF8, "application/yaml"))).StatusCode);
        var stored = await NamesAsync();
        // Reads are open; without credentials no request pays for a password hash.
        using var anonymous = api.Anonymous();

        var seen = new List<string>();
        var url = "api/targets?limit=7";
        var pages = 0;
        while (true)
        {
            var response = await anonymous.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await Json(response);
            pages++;
            Assert.Equal(stored.Count, page.GetProperty("total").GetInt32());
            Assert.Equal(7, page.GetProperty("limit").GetInt32());
            var items = page.GetProperty("items").EnumerateArray().Select(t => Str(t, "name")!).ToList();
            Assert.InRange(items.Count, 1, 7);
            seen.AddRange(items);
            if (!page.TryGetProperty("next", out var next))
            {
                Assert.False(response.Headers.Contains("Link"));
                break;
            }

            Assert.Equal(items[^1], next.GetString());
            var link = $"/api/targets?limit=7&after={Uri.EscapeDataString(items[^1])}";
            Assert.Equal($"<{link}>; rel=\"next\"", Assert.Single(response.Headers.GetValues("Link")));
            url = link[1..];
        }

        Assert.Equal(stored, seen);
        Assert.Equal((stored.Count + 6) / 7, pages);
        // Without parameters: the first 100.
        var first = await Json(await anonymous.GetAsync("api/targets"));
        Assert.Equal(100, first.GetProperty("limit").GetInt32());
        Assert.Equal(stored.Take(100), first.GetProperty("items").EnumerateArray().Select(t => Str(t, "name")!));
    }

    [Theory(Timeout = 120_000)]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=10&limit=20", "limit")]
    [InlineData("after=", "after")]
    [InlineData("after=no-slash", "after")]
    [InlineData("after=a/b/c", "after")]
    [InlineData("after=%2Fname", "after")]
    public async Task Invalid_page_parameters_are_400_problem_details_naming_the_parameter(string query, string parameter)
    {
        using var anonymous = api.Anonymous();

        foreach (var path in new[] { "api/targets", "api/status/targets" })
        {
            var response = await anonymous.GetAsync($"{path}?{query}");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var errors = (await Json(response)).GetProperty("errors");
            Assert.True(errors.TryGetProperty(parameter, out var messages) && messages.GetArrayLength() > 0, $"{path}?{query}: {errors}");
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Export_is_streamed_and_reads_back_to_every_stored_target()
    {
        using var admin = api.Admin();
        var file = new StringBuilder("targets:\n");
        for (var i = 0; i < 1500; i++)
        {
            file.Append(System.Globalization.CultureInfo.InvariantCulture, $"  - name: export/t{i:D4}\n    check: http://127.0.0.1:{1000 + i}/ping\n    http:\n      body: \"ok\\r\\n\"\n    inter: 60s\n    enabled: false\n");
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("api/targets/import", new StringContent(file.ToString(), Encoding.UTF8, "application/yaml"))).StatusCode);

        using var response = await admin.GetAsync("api/targets/export", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("targets.yaml", response.Content.Headers.ContentDisposition?.FileName);
        // Written as it is read: no length known up front.
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.True(response.Headers.TransferEncodingChunked);
        var parsed = HealthChecker.Core.Targets.TargetsFile.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors.Take(5)));
        Assert.Equal(await NamesAsync(), parsed.Targets.Select(t => t.FullName).ToList());
        var last = parsed.Targets.Single(t => t.FullName == "export/t1499");
        Assert.Equal(("http://127.0.0.1:2499/ping", "ok\r\n", false), (last.Check.OriginalString, last.Http!.BodyContains, last.Enabled));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_write_that_keeps_losing_deadlocks_is_503_with_retry_after_and_saves_nothing()
    {
        using var admin = api.Admin();
        // PostgreSQL itself answers 40P01 to every write of a target of group "busy", on every attempt.
        await ExecuteAsync("""
            CREATE FUNCTION test_always_deadlocked() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.group_name = 'busy' THEN
                    RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_always_deadlocked BEFORE INSERT OR UPDATE ON targets FOR EACH ROW EXECUTE FUNCTION test_always_deadlocked();
            """);
        try
        {
            var import = await admin.PostAsync("api/targets/import", new StringContent(
                "targets:\n  - name: busy/a\n    check: tcp://127.0.0.1:30\n", Encoding.UTF8, "application/yaml"));
            var create = await admin.PostAsJsonAsync("api/targets", new { name = "busy/b", check = "tcp://127.0.0.1:31" });

            foreach (var response in new[] { import, create })
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal(503, (await Json(response)).GetProperty("status").GetInt32());
            }

            Assert.Equal(0, await CountAsync("busy/a") + await CountAsync("busy/b"));
        }
        finally
        {
            await ExecuteAsync("DROP TRIGGER test_always_deadlocked ON targets; DROP FUNCTION test_always_deadlocked();");
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task The_OpenAPI_document_lists_the_targets_API_and_status_says_the_engine_runs()
    {
        using var anonymous = api.Anonymous();

        var openApi = await Json(await anonymous.GetAsync("openapi/v1.json"));
        var paths = openApi.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/targets", out _));
        Assert.True(paths.TryGetProperty("/api/targets/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/status", out _));

        var status = await Json(await anonymous.GetAsync("api/status"));
        Assert.True(status.GetProperty("engineRunning").GetBoolean());
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Length > 0, $"{(int)response.StatusCode} with an empty body");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string? Str(JsonElement element, string name) => element.GetProperty(name).GetString();

    private static string[] Messages(JsonElement errors, string field) =>
        errors.TryGetProperty(field, out var list) ? [.. list.EnumerateArray().Select(e => e.GetString()!)] : [$"(no errors for {field} in {errors})"];

    /// <summary>Every stored target's full name, in list order (group, then name, as the database sorts them).</summary>
    private async Task<List<string>> NamesAsync()
    {
        await using var conn = new NpgsqlConnection(api.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT group_name || '/' || name FROM targets ORDER BY group_name, name", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(api.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string? fullName = null)
    {
        await using var conn = new NpgsqlConnection(api.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM targets WHERE $1::text IS NULL OR group_name || '/' || name = $1", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)fullName ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
