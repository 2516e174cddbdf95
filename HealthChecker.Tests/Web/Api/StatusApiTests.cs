using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using HealthChecker.Tests.Web.Support;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Api;

/// <summary>/api/status (the summary) and /api/status/targets (each target's live state, paged) on the real app.</summary>
public sealed class StatusApiTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 180_000)]
    public async Task The_summary_stays_the_same_size_however_many_targets_and_the_states_come_in_pages_in_list_order()
    {
        using var admin = api.Admin();
        await EventuallyAsync(async () => (await StatusAsync(admin)).GetProperty("engineRunning").GetBoolean(), "the engine runs");
        var before = await SummaryAsync(admin);
        var scheduled = before.Json.GetProperty("counts").GetProperty("targets").GetInt32();

        var file = new StringBuilder("targets:\n");
        for (var i = 0; i < 2000; i++)
        {
            // Paused: scheduled in maintenance, no check traffic.
            file.Append(CultureInfo.InvariantCulture, $"  - name: many-{i % 3}/t{i}\n    check: tcp://127.0.0.1:{1024 + i}\n    enabled: false\n");
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("api/targets/import", new StringContent(file.ToString(), Encoding.UTF8, "application/yaml"))).StatusCode);
        var total = scheduled + 2000;
        await EventuallyAsync(async () => (await StatusAsync(admin)).GetProperty("counts").GetProperty("targets").GetInt32() == total, $"{total} targets scheduled");

        var after = await SummaryAsync(admin);
        Assert.False(after.Json.TryGetProperty("targets", out _), "the summary lists no target");
        // Only the digits of the counters move.
        Assert.InRange(after.Bytes, before.Bytes - 32, before.Bytes + 32);
        Assert.Equal(2000, after.Json.GetProperty("counts").GetProperty("maint").GetInt32());

        var names = new List<string>();
        var url = "api/status/targets?limit=900";
        while (true)
        {
            var response = await admin.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal((total, 900), (page.GetProperty("total").GetInt32(), page.GetProperty("limit").GetInt32()));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 900);
            Assert.All(items, t => Assert.NotNull(t.GetProperty("state").GetString()));
            names.AddRange(items.Select(t => t.GetProperty("name").GetString()!));
            if (!page.TryGetProperty("next", out var next))
            {
                break;
            }

            Assert.Equal(names[^1], next.GetString());
            var link = Assert.Single(response.Headers.GetValues("Link"));
            url = link[2..link.IndexOf('>', StringComparison.Ordinal)];
        }

        Assert.Equal(total, names.Count);
        Assert.Equal(names.Order(Comparer<string>.Create((a, b) => Compare(a, b))), names);
        Assert.Equal(total, names.Distinct().Count());
    }

    private static async Task<(int Bytes, JsonElement Json)> SummaryAsync(HttpClient client)
    {
        var bytes = await client.GetByteArrayAsync("api/status");
        return (bytes.Length, JsonDocument.Parse(bytes).RootElement.Clone());
    }

    // By group, then name, ordinal: as the dashboard lists them.
    private static int Compare(string a, string b)
    {
        var (ga, na) = (a[..a.IndexOf('/', StringComparison.Ordinal)], a[(a.IndexOf('/', StringComparison.Ordinal) + 1)..]);
        var (gb, nb) = (b[..b.IndexOf('/', StringComparison.Ordinal)], b[(b.IndexOf('/', StringComparison.Ordinal) + 1)..]);
        var byGroup = string.CompareOrdinal(ga, gb);
        return byGroup != 0 ? byGroup : string.CompareOrdinal(na, nb);
    }
}
