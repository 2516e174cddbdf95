using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HealthChecker.Tests.Web.Support;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Monitoring;

/// <summary>Failures the app survives are logged, counted in /api/status and /metrics, and shown where they matter.</summary>
public sealed class FaultsTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 180_000)]
    public async Task A_target_whose_stored_options_cannot_be_read_is_not_checked_and_is_counted_logged_and_listed_as_unreadable()
    {
        using var admin = api.Admin();
        await EventuallyAsync(async () => (await StatusAsync(admin)).GetProperty("engineRunning").GetBoolean(), "the engine runs");
        var created = await admin.PostAsJsonAsync("api/targets", new { name = "faults/web", check = "tcp://127.0.0.1:9", inter = "1h" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        await EventuallyAsync(async () => await TargetAsync(admin, "faults/web") is not null, "the target is scheduled");

        // Written by hand in SQL: valid jsonb, but not the shape the app stores (steps must be a list).
        await ExecuteAsync(api.ConnectionString, $"UPDATE targets SET options = '{{\"check\": \"tcp://127.0.0.1:9\", \"steps\": \"send hello\"}}' WHERE id = {id}; NOTIFY hc_targets_changed, '{id}';");

        await EventuallyAsync(async () => await TargetAsync(admin, "faults/web") is null, "the target is no longer checked");
        var faults = (await StatusAsync(admin)).GetProperty("faults");
        Assert.True(faults.GetProperty("counts").GetProperty("unreadable_target").GetInt64() >= 1);
        Assert.Equal(0, faults.GetProperty("counts").GetProperty("check_handler").GetInt64());
        var last = faults.GetProperty("last");
        Assert.Equal("unreadable_target", last.GetProperty("kind").GetString());
        Assert.Contains($"faults/web (id {id})", last.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("options unreadable", last.GetProperty("description").GetString(), StringComparison.Ordinal);

        var metrics = ParsePrometheus(await admin.GetStringAsync("metrics"));
        Assert.True(metrics.Single(m => m.Name == "healthchecker_faults_total" && m.Labels["kind"] == "unreadable_target").Value >= 1);
        Assert.Equal(0, metrics.Single(m => m.Name == "healthchecker_faults_total" && m.Labels["kind"] == "page_task").Value);

        Assert.Contains("faults/web", api.App.Output, StringComparison.Ordinal);
        Assert.Contains("options unreadable", api.App.Output, StringComparison.Ordinal);

        var list = await admin.GetStringAsync("targets");
        Assert.Contains("options unreadable: ", list, StringComparison.Ordinal);
        var page = await admin.GetStringAsync($"targets/{id}");
        Assert.Contains("options unreadable: ", page, StringComparison.Ordinal);
        var dashboard = await admin.GetStringAsync("");
        Assert.Contains("faults/web</a>: options unreadable: ", dashboard, StringComparison.Ordinal);

        // Repaired in SQL: checked again, and no longer named as unreadable.
        await ExecuteAsync(api.ConnectionString, $"UPDATE targets SET options = '{{\"check\": \"tcp://127.0.0.1:9\"}}' WHERE id = {id}; NOTIFY hc_targets_changed, '{id}';");
        await EventuallyAsync(async () => await TargetAsync(admin, "faults/web") is not null, "the repaired target is checked again");
        Assert.DoesNotContain("options unreadable", await admin.GetStringAsync(""), StringComparison.Ordinal);
        Assert.DoesNotContain("options unreadable", await admin.GetStringAsync("targets"), StringComparison.Ordinal);
    }
}
