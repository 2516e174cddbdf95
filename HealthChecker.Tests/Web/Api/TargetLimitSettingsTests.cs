using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HealthChecker.Tests.Web.Support;
using Npgsql;

namespace HealthChecker.Tests.Web.Api;

/// <summary>The app started with HC_MAX_IMPORT_MB=1 and HC_MIN_INTERVAL=1s.</summary>
public sealed class TightLimitsApiApp() : ApiApp(new Dictionary<string, string> { ["HC_MAX_IMPORT_MB"] = "1", ["HC_MIN_INTERVAL"] = "1s" });

/// <summary>The admin's limits (import size, interval floor) as the real app applies them.</summary>
public sealed class TargetLimitSettingsTests(TightLimitsApiApp api) : IClassFixture<TightLimitsApiApp>
{
    [Fact(Timeout = 120_000)]
    public async Task An_import_over_HC_MAX_IMPORT_MB_is_a_413_problem_and_nothing_is_imported()
    {
        using var admin = api.Admin();
        var yaml = new StringBuilder("targets:\n");
        for (var i = 0; yaml.Length < 1_200_000; i++)
        {
            yaml.Append(FormattableString.Invariant($"  - name: big/t{i}\n    check: tcp://127.0.0.1:{1 + (i % 60000)}\n"));
        }

        var response = await admin.PostAsync("api/targets/import", new StringContent(yaml.ToString(), Encoding.UTF8, "application/yaml"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(413, JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32());
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM targets WHERE group_name = 'big'"));
    }

    [Fact(Timeout = 120_000)]
    public async Task The_interval_floor_is_the_admins_setting()
    {
        using var admin = api.Admin();

        var refused = await admin.PostAsJsonAsync("api/targets", new { name = "floor/fast", check = "tcp://127.0.0.1:50", inter = "500ms" });
        var accepted = await admin.PostAsJsonAsync("api/targets", new { name = "floor/ok", check = "tcp://127.0.0.1:50", inter = "1s" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var message = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("inter")[0].GetString();
        Assert.StartsWith("must be at least 1s", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_target_stored_below_the_floor_is_checked_at_the_floor_with_a_warning()
    {
        var id = await ScalarAsync("INSERT INTO targets (name, group_name, kind, host, port, inter_ms) VALUES ('old', 'floor', 'tcp', '127.0.0.1', 51, 200) RETURNING id");
        await ScalarAsync($"SELECT count(*) FROM (SELECT pg_notify('hc_targets_changed', '{id}')) AS n");

        using var admin = api.Admin();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!api.App.Output.Contains($"Target floor/old (id {id}) has an interval below the floor of 1s", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no warning for floor/old in:\n{api.App.Output}");
            await Task.Delay(100);
        }

        // Checked rather than dropped: it is scheduled, and the stored row keeps what was saved.
        var status = await admin.GetStringAsync("api/status/targets");
        Assert.Contains("\"floor/old\"", status, StringComparison.Ordinal);
        Assert.Equal(200L, await ScalarAsync($"SELECT inter_ms FROM targets WHERE id = {id}"));
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(api.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
