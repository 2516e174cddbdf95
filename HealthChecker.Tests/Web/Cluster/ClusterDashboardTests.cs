using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Cluster;

/// <summary>
/// Two nodes as child processes on one real PostgreSQL: each lists every target live, those the other node checks too (pulled
/// from it through Orleans), and names the node that checks each.
/// </summary>
public sealed class ClusterDashboardTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Seconds = 90;

    // Where each target goes hangs on the nodes' member ids (their ports and start times): with this many, the chance that
    // every one lands on the same node (2 in 2^Targets) is nil, so each node checks some.
    private const int Targets = 40;

    [Fact(Timeout = 300_000)]
    public async Task Each_node_lists_every_target_with_a_live_last_result_and_the_node_that_checks_it()
    {
        var database = await TestDatabase.CreateEmptyAsync();
        await using var first = await NodeAsync(database, "node-a");
        await using var second = await NodeAsync(database, "node-b");
        using var a = Client(first);
        using var b = Client(second);
        for (var i = 0; i < Targets; i++)
        {
            var created = await a.PostAsJsonAsync("api/targets", new { name = $"cluster/t{i:D2}", check = $"tcp://127.0.0.1:{first.BaseUrl.Port}", inter = "2s" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var total = JsonDocument.Parse(await a.GetStringAsync("api/targets")).RootElement.GetProperty("total").GetInt32();
        Assert.True(total >= Targets);

        foreach (var (client, self) in new[] { (a, "node-a"), (b, "node-b") })
        {
            // Every target, whichever node checks it, with a check done, named by the node /api/cluster says checks that many.
            await EventuallyAsync(async () =>
            {
                var states = await TargetStatesAsync(client);
                var byNode = states.GroupBy(t => Text(t, "node") ?? "").ToDictionary(g => g.Key, g => g.Count());
                output.WriteLine($"{self}: {states.Count} listed, {states.Count(t => Text(t, "lastCheckAt") is null)} not checked yet, "
                    + $"{states.Count(t => t.GetProperty("stale").GetBoolean())} stale, by node {string.Join(", ", byNode.Select(p => $"{p.Key}={p.Value}"))}");
                var figures = (await ClusterAsync(client)).GetProperty("nodes").EnumerateArray()
                    .ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("targets") is { ValueKind: JsonValueKind.Number } t ? t.GetInt32() : -1);
                return states.Count == total
                    && states.All(t => Text(t, "lastCheckAt") is not null && !t.GetProperty("stale").GetBoolean())
                    && byNode.Keys.Order(StringComparer.Ordinal).SequenceEqual(["node-a", "node-b"])
                    && byNode.GetValueOrDefault("node-a") == figures.GetValueOrDefault("node-a")
                    && byNode.GetValueOrDefault("node-b") == figures.GetValueOrDefault("node-b");
            }, $"{self} lists all {total} targets checked, each under the node that checks it", Seconds);
        }

        // A target the other node checks goes on moving on this node's list: its checks are live, not a copy of the table.
        var remote = (await TargetStatesAsync(a)).First(t => Text(t, "node") == "node-b");
        var id = remote.GetProperty("id").GetInt64();
        var checks = remote.GetProperty("checks").GetInt64();
        await EventuallyAsync(async () => (await TargetStatesAsync(a)).Single(t => t.GetProperty("id").GetInt64() == id).GetProperty("checks").GetInt64() > checks,
            "node-a sees node-b's next check of its target", Seconds);

        // The target API names the same node on both nodes.
        foreach (var client in new[] { a, b })
        {
            var target = JsonDocument.Parse(await client.GetStringAsync($"api/targets/{id}")).RootElement;
            Assert.Equal("node-b", target.GetProperty("node").GetString());
        }
    }

    // A null field is left out of the JSON.
    private static string? Text(JsonElement target, string field) => target.TryGetProperty(field, out var value) ? value.GetString() : null;

    private static Task<WebAppProcess> NodeAsync(string database, string name) => WebAppProcess.StartAsync(new Dictionary<string, string>
    {
        ["HC_DATABASE"] = database,
        ["HC_ADMIN_PASSWORD"] = ApiApp.Password,
        ["HC_NODE_NAME"] = name,
    });

    private static HttpClient Client(WebAppProcess app)
    {
        var client = new HttpClient { BaseAddress = app.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{ApiApp.Password}")));
        return client;
    }

    private static async Task<JsonElement> ClusterAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync("api/cluster")).RootElement.Clone();
}
