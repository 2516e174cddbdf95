using System.Net.Http.Json;
using System.Text.Json;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Monitoring;

/// <summary>The real app stopped and started again on the same database: each target goes on from its stored state.</summary>
public sealed class ResumeAppTests
{
    private const string Password = "resume password";

    [Fact(Timeout = 300_000)]
    public async Task After_a_restart_an_UP_target_stays_UP_and_a_DOWN_one_DOWN_with_no_new_state_change_until_one_really_changes()
    {
        var database = await TestDatabase.CreateEmptyAsync();
        var environment = new Dictionary<string, string> { ["HC_DATABASE"] = database, ["HC_ADMIN_PASSWORD"] = Password };
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);
        long up, down;

        var first = await WebAppProcess.StartAsync(environment);
        await using (first)
        {
            using var admin = Admin(first);
            up = await AddAsync(admin, "resume/up", $"tcp://{peer.EndPoint}");
            down = await AddAsync(admin, "resume/down", $"tcp://{LoopbackPeer.ClosedPort()}");
            await EventuallyAsync(async () => (await ChangesAsync(database, up)).Count > 0 && (await ChangesAsync(database, down)).Count > 0,
                "both targets' first states are written");
            Assert.Equal(0, await first.StopAsync());
        }

        Assert.Equal(["UNKNOWN>UP"], await ChangesAsync(database, up));
        Assert.Equal(["UNKNOWN>DOWN"], await ChangesAsync(database, down));
        var upBefore = await ResultsAsync(database, up);
        var downBefore = await ResultsAsync(database, down);

        var second = await WebAppProcess.StartAsync(environment);
        await using (second)
        {
            using var admin = Admin(second);
            // Three checks of each after the restart are stored: the first check's state, had it been recorded, is written with them.
            await EventuallyAsync(async () => await ResultsAsync(database, up) >= upBefore + 3 && await ResultsAsync(database, down) >= downBefore + 3,
                "three checks of each target after the restart are stored");
            Assert.Equal("UP", await StateAsync(admin, "resume/up"));
            Assert.Equal("DOWN", await StateAsync(admin, "resume/down"));
            Assert.Equal(["UNKNOWN>UP"], await ChangesAsync(database, up));
            Assert.Equal(["UNKNOWN>DOWN"], await ChangesAsync(database, down));

            // A real change is still recorded, once.
            peer.Dispose();
            await EventuallyAsync(async () => (await ChangesAsync(database, up)).Count > 1, "the UP target's fall is written");
            Assert.Equal(["UNKNOWN>UP", "UP>DOWN"], await ChangesAsync(database, up));
            Assert.Equal(0, await second.StopAsync());
        }
    }

    private static Task<long> ResultsAsync(string database, long id) =>
        ScalarAsync(database, "SELECT count(*) FROM check_results WHERE target_id = $1", id);

    private static HttpClient Admin(WebAppProcess app)
    {
        var client = new HttpClient { BaseAddress = app.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"admin:{Password}")));
        return client;
    }

    private static async Task<long> AddAsync(HttpClient admin, string name, string check)
    {
        var created = await admin.PostAsJsonAsync("api/targets", new { name, check, inter = "200ms", rise = 2, fall = 3 });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
    }
}
