using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HealthChecker.Tests.Web.Support;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Api;

/// <summary>A stored target whose options cannot be read is not lost silently: the export and the API say so.</summary>
public sealed class UnreadableTargetApiTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 180_000)]
    public async Task An_export_names_each_target_it_leaves_out_in_a_comment_and_a_header_and_counts_it_as_a_fault()
    {
        using var admin = api.Admin();
        var kept = await admin.PostAsJsonAsync("api/targets", new { name = "faults/kept", check = "tcp://127.0.0.1:9", inter = "1h" });
        Assert.Equal(HttpStatusCode.Created, kept.StatusCode);
        var created = await admin.PostAsJsonAsync("api/targets", new { name = "faults/lost", check = "tcp://127.0.0.1:9", inter = "1h" });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        await ExecuteAsync(api.ConnectionString, $"UPDATE targets SET options = '{{\"check\": \"tcp://127.0.0.1:9\", \"steps\": \"send hello\"}}' WHERE id = {id};");
        var before = (await StatusAsync(admin)).GetProperty("faults").GetProperty("counts").GetProperty("unreadable_target").GetInt64();

        using var response = await admin.GetAsync("api/targets/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var export = await response.Content.ReadAsStringAsync();
        var omitted = int.Parse(Assert.Single(response.Headers.GetValues("Omitted-Targets")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(omitted >= 1, $"Omitted-Targets: {omitted}");
        Assert.StartsWith("# ", export, StringComparison.Ordinal);
        Assert.Contains($"# - faults/lost (id {id}): options unreadable: $.steps is not of the stored shape\n", export, StringComparison.Ordinal);
        var parsed = HealthChecker.Core.Targets.TargetsFile.Parse(export);
        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors.Take(5)));
        Assert.Contains("faults/kept", parsed.Targets.Select(t => t.FullName));
        Assert.DoesNotContain("faults/lost", parsed.Targets.Select(t => t.FullName));
        var faults = (await StatusAsync(admin)).GetProperty("faults");
        Assert.True(faults.GetProperty("counts").GetProperty("unreadable_target").GetInt64() > before);
        Assert.Contains("faults/lost", api.App.Output, StringComparison.Ordinal);

        await ExecuteAsync(api.ConnectionString, $"DELETE FROM targets WHERE id = {id}; NOTIFY hc_targets_changed, '{id}';");
    }

    [Fact(Timeout = 180_000)]
    public async Task The_api_says_why_a_stored_target_has_no_options_and_says_nothing_of_a_readable_one()
    {
        using var admin = api.Admin();
        var created = await admin.PostAsJsonAsync("api/targets", new { name = "faults/api", check = "tcp://127.0.0.1:9", inter = "1h", steps = new[] { new { action = "send", value = "hello" } } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        Assert.False(JsonDocument.Parse(await admin.GetStringAsync($"api/targets/{id}")).RootElement.TryGetProperty("optionsProblem", out _));

        await ExecuteAsync(api.ConnectionString, $"UPDATE targets SET options = '{{\"check\": \"tcp://127.0.0.1:9\", \"steps\": \"send hello\"}}' WHERE id = {id};");

        var target = JsonDocument.Parse(await admin.GetStringAsync($"api/targets/{id}")).RootElement;
        Assert.Equal("options unreadable: $.steps is not of the stored shape", target.GetProperty("optionsProblem").GetString());
        Assert.Equal("faults/api", target.GetProperty("name").GetString());
        Assert.Equal(id, target.GetProperty("id").GetInt64());

        await ExecuteAsync(api.ConnectionString, $"DELETE FROM targets WHERE id = {id}; NOTIFY hc_targets_changed, '{id}';");
    }
}
