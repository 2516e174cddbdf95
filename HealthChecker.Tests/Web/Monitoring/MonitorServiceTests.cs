using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Monitoring;

/// <summary>The check engine hosted in the real app: targets from the API and from SQL, history rows, /healthz, /metrics, /api/status.</summary>
public sealed class MonitorServiceTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 120_000)]
    public async Task A_target_added_through_the_API_is_checked_its_results_land_in_check_results_and_its_first_state_is_UNKNOWN_to_UP()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        using var admin = api.Admin();

        var id = await CreateAsync(admin, "api/peer", $"tcp://127.0.0.1:{peer.Port}");

        await EventuallyAsync(async () => await StateAsync(admin, "api/peer") == "UP", "api/peer is UP");
        await EventuallyAsync(async () => await ScalarAsync(api.ConnectionString, "SELECT count(*) FROM check_results WHERE target_id = $1 AND status = 'L4OK'", id) >= 3,
            "three L4OK results of api/peer stored");
        Assert.Equal(["UNKNOWN>UP"], await ChangesAsync(api.ConnectionString, id));
    }

    [Fact(Timeout = 120_000)]
    public async Task Pause_records_MAINT_stops_the_checks_and_resume_checks_again()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        using var admin = api.Admin();
        var id = await CreateAsync(admin, "api/paused", $"tcp://127.0.0.1:{peer.Port}");
        await EventuallyAsync(async () => await StateAsync(admin, "api/paused") == "UP", "api/paused is UP");

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"api/targets/{id}/pause", null)).StatusCode);

        await EventuallyAsync(async () => await StateAsync(admin, "api/paused") == "MAINT", "api/paused is MAINT");
        await EventuallyAsync(async () => (await ChangesAsync(api.ConnectionString, id)).Contains("UP>MAINT"), "UP>MAINT stored");
        var checks = (await TargetAsync(admin, "api/paused"))!.Value.GetProperty("checks").GetInt64();
        var metrics = ParsePrometheus(await admin.GetStringAsync("metrics"));
        Assert.Equal(2, Assert.Single(metrics, s => s.Name == "healthchecker_state" && s.Labels["target"] == "api/paused").Value);
        Assert.DoesNotContain(metrics, s => s.Name == "probe_success" && s.Labels["target"] == "api/paused");

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"api/targets/{id}/resume", null)).StatusCode);
        await EventuallyAsync(async () => (await ChangesAsync(api.ConnectionString, id)).Contains("MAINT>UP"), "MAINT>UP stored");
        Assert.True((await TargetAsync(admin, "api/paused"))!.Value.GetProperty("checks").GetInt64() > checks);
        Assert.Equal(["UNKNOWN>UP", "UP>MAINT", "MAINT>UP"], await ChangesAsync(api.ConnectionString, id));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_change_made_in_SQL_and_announced_with_NOTIFY_is_applied_by_the_running_engine()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        using var admin = api.Admin();

        // Another process (psql) adds a target and says which one.
        await ExecuteAsync(api.ConnectionString, $"""
            WITH t AS (INSERT INTO targets (name, group_name, kind, host, port, inter_ms) VALUES ('peer', 'sql', 'tcp', '127.0.0.1', {peer.Port}, 300) RETURNING id)
            SELECT pg_notify('hc_targets_changed', id::text) FROM t
            """);
        await EventuallyAsync(async () => await StateAsync(admin, "sql/peer") == "UP", "sql/peer, added in SQL, is UP");
        var id = (await TargetAsync(admin, "sql/peer"))!.Value.GetProperty("id").GetInt64();
        await EventuallyAsync(async () => await ScalarAsync(api.ConnectionString, "SELECT count(*) FROM check_results WHERE target_id = $1", id) > 0, "results of sql/peer stored");

        // A plain NOTIFY (no id) reloads every target: the port moved to one that refuses.
        await ExecuteAsync(api.ConnectionString, $"UPDATE targets SET port = {LoopbackPeer.ClosedPort().Port}, fall = 1 WHERE id = {id}; NOTIFY hc_targets_changed;");
        await EventuallyAsync(async () => await StateAsync(admin, "sql/peer") == "DOWN", "sql/peer is DOWN on its new port");
        // The live state comes first; its row follows with the writer's next batch.
        await EventuallyAsync(async () => (await ChangesAsync(api.ConnectionString, id)).Contains("UP>DOWN"), "UP>DOWN stored");
        Assert.Equal(["UNKNOWN>UP", "UP>DOWN"], await ChangesAsync(api.ConnectionString, id));

        // Deleted in SQL: gone from the engine, and no result of it is stored afterwards (nor left behind).
        await ExecuteAsync(api.ConnectionString, $"DELETE FROM targets WHERE id = {id}; NOTIFY hc_targets_changed, '{id}';");
        await EventuallyAsync(async () => await TargetAsync(admin, "sql/peer") is null, "sql/peer is no longer scheduled");
        Assert.Equal(0, await ScalarAsync(api.ConnectionString, "SELECT count(*) FROM check_results WHERE target_id = $1", id));
        Assert.Equal(0, await ScalarAsync(api.ConnectionString, "SELECT count(*) FROM state_changes WHERE target_id = $1", id));
    }

    [Fact(Timeout = 120_000)]
    public async Task An_import_of_many_targets_is_scheduled_whole_and_every_target_is_checked()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        using var admin = api.Admin();
        // First checks are spread over the first interval: a short one keeps the wait well inside the bound.
        var file = new System.Text.StringBuilder("targets:\n");
        for (var i = 0; i < 300; i++)
        {
            file.Append(System.Globalization.CultureInfo.InvariantCulture, $"  - name: burst/t{i:000}\n    check: tcp://127.0.0.1:{peer.Port}\n    inter: 5s\n    rise: 1\n");
        }

        var applied = await admin.PostAsync("api/targets/import", new StringContent(file.ToString(), System.Text.Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);

        // All 300 changes come as one burst; every target ends up scheduled and checked.
        await EventuallyAsync(async () => (await TargetStatesAsync(admin))
            .Count(t => t.GetProperty("name").GetString()!.StartsWith("burst/", StringComparison.Ordinal) && t.GetProperty("state").GetString() == "UP") == 300,
            "all 300 imported targets are UP");
        await EventuallyAsync(async () => await ScalarAsync(api.ConnectionString,
            "SELECT count(DISTINCT target_id) FROM check_results r JOIN targets t ON t.id = r.target_id WHERE t.group_name = 'burst'") == 300,
            "results of all 300 stored");
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unchanged_target_heard_of_twice_keeps_its_schedule_and_health()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        using var admin = api.Admin();
        var id = await CreateAsync(admin, "api/twice", $"tcp://127.0.0.1:{peer.Port}", inter: "1m");
        await EventuallyAsync(async () => await StateAsync(admin, "api/twice") == "UP", "api/twice is UP");
        var before = (await TargetAsync(admin, "api/twice"))!.Value;

        // The same definition saved again (feed and NOTIFY both fire) and a bare NOTIFY of its id.
        var stored = await admin.GetFromJsonAsync<Dictionary<string, JsonElement>>($"api/targets/{id}");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"api/targets/{id}", stored)).StatusCode);
        await ExecuteAsync(api.ConnectionString, $"NOTIFY hc_targets_changed, '{id}'");
        await Task.Delay(1000);

        var after = (await TargetAsync(admin, "api/twice"))!.Value;
        // With inter 1m a restarted target would have been checked again at once.
        Assert.Equal(before.GetProperty("checks").GetInt64(), after.GetProperty("checks").GetInt64());
        Assert.Equal(before.GetProperty("lastChange").GetString(), after.GetProperty("lastChange").GetString());
        Assert.Equal(["UNKNOWN>UP"], await ChangesAsync(api.ConnectionString, id));
    }

    [Fact(Timeout = 120_000)]
    public async Task Healthz_is_ok_status_says_the_engine_runs_and_metrics_parse_as_Prometheus_text_with_probe_success()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        using var admin = api.Admin();
        using var anonymous = api.Anonymous();
        await CreateAsync(admin, "metrics/peer", $"tcp://127.0.0.1:{peer.Port}");
        await EventuallyAsync(async () => await StateAsync(anonymous, "metrics/peer") == "UP", "metrics/peer is UP");

        var healthz = await anonymous.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal("ok", await healthz.Content.ReadAsStringAsync());

        var status = await StatusAsync(anonymous);
        Assert.True(status.GetProperty("engineRunning").GetBoolean());
        Assert.True(status.GetProperty("databaseReachable").GetBoolean());
        Assert.True(status.GetProperty("checks").GetInt64() > 0);
        Assert.True(status.GetProperty("counts").GetProperty("up").GetInt32() >= 1);
        Assert.True(status.GetProperty("results").GetProperty("written").GetInt64() > 0);
        Assert.Equal(0, status.GetProperty("results").GetProperty("dropped").GetInt64());

        var response = await anonymous.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var samples = ParsePrometheus(await response.Content.ReadAsStringAsync());
        var success = Assert.Single(samples, s => s.Name == "probe_success" && s.Labels["target"] == "metrics/peer");
        Assert.Equal(("metrics", 1.0), (success.Labels["group"], success.Value));
        Assert.Single(samples, s => s.Name == "probe_duration_seconds" && s.Labels["target"] == "metrics/peer");
        Assert.Equal(1, Assert.Single(samples, s => s.Name == "healthchecker_state" && s.Labels["target"] == "metrics/peer").Value);
        Assert.True(Assert.Single(samples, s => s.Name == "healthchecker_checks_total").Value > 0);
        Assert.Equal(0, Assert.Single(samples, s => s.Name == "healthchecker_results_dropped_total").Value);
        Assert.Single(samples, s => s.Name == "healthchecker_results_buffered");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_deleted_targets_series_leave_metrics_and_its_results_leave_no_orphan_rows()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        using var admin = api.Admin();
        var id = await CreateAsync(admin, "metrics/gone", $"tcp://127.0.0.1:{peer.Port}", inter: "100ms");
        await EventuallyAsync(async () => await ScalarAsync(api.ConnectionString, "SELECT count(*) FROM check_results WHERE target_id = $1", id) > 0, "results of metrics/gone stored");
        Assert.Contains(ParsePrometheus(await admin.GetStringAsync("metrics")), s => s.Name == "probe_success" && s.Labels["target"] == "metrics/gone");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"api/targets/{id}")).StatusCode);
        await EventuallyAsync(async () => await TargetAsync(admin, "metrics/gone") is null, "metrics/gone is no longer scheduled");
        var buffered = await StatusAsync(admin);
        // Whatever was buffered when it went is written (or skipped) within a batch or two.
        await EventuallyAsync(async () => (await StatusAsync(admin)).GetProperty("results").GetProperty("buffered").GetInt32() == 0, "the buffer drained");

        Assert.Equal(0, await ScalarAsync(api.ConnectionString, "SELECT count(*) FROM check_results WHERE target_id = $1", id));
        Assert.DoesNotContain(ParsePrometheus(await admin.GetStringAsync("metrics")), s => s.Labels.TryGetValue("target", out var t) && t == "metrics/gone");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("healthz")).StatusCode);
        Assert.True(buffered.GetProperty("engineRunning").GetBoolean());
    }

    private static async Task<long> CreateAsync(HttpClient admin, string name, string check, string inter = "200ms")
    {
        var created = await admin.PostAsJsonAsync("api/targets", new { name, check, inter, rise = 1, fall = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
