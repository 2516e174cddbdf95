using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HealthChecker.Tests.Web.Support;

namespace HealthChecker.Tests.Web.Api;

/// <summary>Hostile bodies and routes on the real app: every /api error is short problem-details JSON, and the app lives on.</summary>
public sealed class ApiHostileInputTests(ApiApp api) : IClassFixture<ApiApp>
{
    private const string ProblemJson = "application/problem+json";

    [Fact(Timeout = 120_000)]
    public async Task A_document_nested_50000_levels_deep_is_a_400_naming_the_depth_and_the_app_lives_on()
    {
        using var admin = api.Admin();
        admin.Timeout = TimeSpan.FromSeconds(30);
        var deep = "targets:\n  - name: deep/one\n    check: " + new string('[', 50_000) + new string(']', 50_000) + "\n";

        var response = await admin.PostAsync("api/targets/import", Yaml(deep));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("nested deeper than", problem.GetRawText(), StringComparison.Ordinal);
        await AssertAliveAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task An_alias_bomb_is_a_short_400_and_the_app_lives_on()
    {
        using var admin = api.Admin();
        admin.Timeout = TimeSpan.FromSeconds(30);

        var response = await admin.PostAsync("api/targets/import", Yaml(AliasBomb()));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Length < 4096, $"{text.Length} characters: {text[..Math.Min(300, text.Length)]}");
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, text);
        Assert.Contains("alias", problem.GetRawText(), StringComparison.Ordinal);
        await AssertAliveAsync();
    }

    [Theory(Timeout = 120_000)]
    [InlineData("steps[1].send", """{"name":"nul/step","check":"tcp://127.0.0.1:40","steps":[{"action":"send","value":"a\u0000b"}]}""")]
    [InlineData("http.body", """{"name":"nul/body","check":"http://127.0.0.1:40/","http":{"body":"ok\u0000"}}""")]
    [InlineData("tls.server-name", """{"name":"nul/sni","check":"tls://127.0.0.1:40","tls":{"server-name":"a\u0000.test"}}""")]
    public async Task A_NUL_character_is_a_400_naming_the_field(string field, string json)
    {
        using var admin = api.Admin();

        var response = await admin.PostAsync("api/targets", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.GetRawText());
        Assert.Contains("NUL", messages[0].GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_NUL_character_in_an_imported_file_is_a_400_naming_the_field()
    {
        using var admin = api.Admin();
        const string yaml = "targets:\n  - name: nul/file\n    check: tls://127.0.0.1:41\n    tls:\n      server-name: \"a\\0.test\"\n";

        var response = await admin.PostAsync("api/targets/import", Yaml(yaml));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("targets[1] (nul/file).tls.server-name", out _), problem.GetRawText());
    }

    [Theory(Timeout = 120_000)]
    [InlineData("""{"name":"json/bad","check":""", "not valid")]
    [InlineData("""{"name":"json/bad","check":"tcp://127.0.0.1:42","rise":{"a":1}}""", "$.rise")]
    [InlineData("""{"name":"json/bad","check":"tcp://127.0.0.1:42","steps":"send"}""", "$.steps")]
    [InlineData("""[1,2,3]""", "$")]
    [InlineData("""{"name":"json/deep","check":"tcp://127.0.0.1:42","extra":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}""", "depth of 16")]
    public async Task Malformed_json_and_wrong_types_are_a_400_with_the_reason(string json, string inDetail)
    {
        using var admin = api.Admin();

        var response = await admin.PostAsync("api/targets", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var detail = problem.GetProperty("detail").GetString() ?? "";
        Assert.Contains(inDetail, detail, StringComparison.Ordinal);
        Assert.True(detail.Length < 300, detail);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_target_body_over_64_KB_is_a_413()
    {
        using var admin = api.Admin();
        var json = JsonSerializer.Serialize(new { name = "big/one", check = "tcp://127.0.0.1:43", padding = new string('x', 100_000) });

        var response = await admin.PostAsync("api/targets", new StringContent(json, Encoding.UTF8, "application/json"));

        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_http_body_expectation_over_its_limit_is_a_400_naming_the_field_and_the_limit()
    {
        using var admin = api.Admin();

        var response = await admin.PostAsJsonAsync("api/targets", new { name = "big/body", check = "http://127.0.0.1:44/", http = new { body = new string('x', 5000) } });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("at most 1024 characters", problem.GetProperty("errors").GetProperty("http.body")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_interval_below_the_floor_is_a_400_with_the_reason()
    {
        using var admin = api.Admin();

        var response = await admin.PostAsJsonAsync("api/targets", new { name = "fast/one", check = "tcp://127.0.0.1:45", inter = "1ms" });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("inter")[0].GetString();
        Assert.StartsWith("must be at least 100ms", message, StringComparison.Ordinal);
        Assert.Contains("HC_MIN_INTERVAL", message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unknown_api_route_is_a_404_and_a_wrong_method_a_405_both_problem_details()
    {
        using var admin = api.Admin();

        await ProblemAsync(await admin.GetAsync("api/no-such-thing"), HttpStatusCode.NotFound);
        await ProblemAsync(await admin.PatchAsync("api/targets", new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.MethodNotAllowed);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_query_value_that_does_not_bind_is_a_400_without_echoing_it_whole()
    {
        using var admin = api.Admin();

        var response = await admin.PostAsync($"api/targets/import?replace={new string('y', 2000)}", Yaml("targets: []"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetRawText().Length < 1000, problem.GetRawText());
    }

    // Keys that are aliases of aliases of lists: ten to the power of nine "lol"s if anything expanded them.
    private static string AliasBomb()
    {
        var yaml = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i <= 9; i++)
        {
            yaml.Append(FormattableString.Invariant($"a{i}: &a{i} [")).Append(string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))).Append("]\n");
        }

        yaml.Append("targets:\n  - name: bomb/one\n    check: tcp://127.0.0.1:46\n    *a9 : boom\n");
        return yaml.ToString();
    }

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private async Task AssertAliveAsync()
    {
        using var anonymous = api.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("api/targets")).StatusCode);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? text = null)
    {
        text ??= await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} instead of {(int)status}: {text[..Math.Min(500, text.Length)]}");
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.True(text.Length > 0, $"{(int)response.StatusCode} with an empty body");
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
