using System.Text.Json;
using HealthChecker.Testing;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using Xunit.Abstractions;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Cluster;

/// <summary>
/// Several nodes as child processes on one real PostgreSQL: they find each other through the membership table, list each
/// other in <c>/api/cluster</c>, and see a node that stops, dies or is frozen leave the cluster.
/// </summary>
public sealed class ClusterNodesTests(ITestOutputHelper output)
{
    // Generous: Orleans declares a killed node dead within seconds, a loaded machine may take longer.
    private const int MembershipSeconds = 90;

    [Fact(Timeout = 300_000)]
    public async Task Two_nodes_on_one_database_join_one_cluster_and_each_lists_both_Active()
    {
        var database = await TestDatabase.CreateEmptyAsync();
        await using var first = await NodeAsync(database, "node-a");
        await using var second = await NodeAsync(database, "node-b");
        using var a = Client(first);
        using var b = Client(second);

        foreach (var client in new[] { a, b })
        {
            await EventuallyAsync(async () => Statuses(await ClusterAsync(client)) is { Count: 2 } s && s.Values.All(v => v == "Active"),
                "both nodes Active in /api/cluster", MembershipSeconds);
        }

        // Each Active node gave its figures through Orleans: the two example targets, shared out by shard (both may fall to one node).
        await EventuallyAsync(async () => (await ClusterAsync(a)).GetProperty("nodes").EnumerateArray().ToList() is var listed
            && listed.All(n => n.GetProperty("targets").ValueKind == JsonValueKind.Number) && listed.Sum(n => n.GetProperty("targets").GetInt32()) == 2,
            "the targets of both nodes in /api/cluster, the two examples in all", MembershipSeconds);
        var nodes = (await ClusterAsync(b)).GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(["node-a", "node-b"], nodes.Select(n => n.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.All(nodes, n => Assert.StartsWith("127.0.0.1:", n.GetProperty("address").GetString(), StringComparison.Ordinal));
        Assert.All(nodes, n => Assert.Equal(JsonValueKind.Number, n.GetProperty("checksPerSecond").ValueKind));
        Assert.Single(nodes, n => n.GetProperty("self").GetBoolean() && n.GetProperty("name").GetString() == "node-b");

        var cluster = (await StatusAsync(b)).GetProperty("cluster");
        Assert.Equal("node-b", cluster.GetProperty("node").GetString());
        Assert.Equal(2, cluster.GetProperty("nodes").GetProperty("Active").GetInt32());
        var metrics = await b.GetStringAsync("metrics");
        Assert.Contains("healthchecker_cluster_nodes{status=\"Active\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("healthchecker_node_targets ", metrics, StringComparison.Ordinal);
        Assert.Contains("healthchecker_node_checks_per_second ", metrics, StringComparison.Ordinal);
        var page = await a.GetStringAsync("nodes");
        Assert.Contains("data-node=\"node-a\"", page, StringComparison.Ordinal);
        Assert.Contains("data-node=\"node-b\"", page, StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_node_stopped_gracefully_is_no_longer_Active_for_the_other()
    {
        var database = await TestDatabase.CreateEmptyAsync();
        await using var staying = await NodeAsync(database, "staying");
        await using var leaving = await NodeAsync(database, "leaving");
        using var client = Client(staying);
        await EventuallyAsync(async () => Statuses(await ClusterAsync(client)).GetValueOrDefault("leaving") == "Active", "the leaving node Active", MembershipSeconds);

        Assert.Equal(0, await leaving.StopAsync());
        output.WriteLine(leaving.Output);

        await EventuallyAsync(async () => Statuses(await ClusterAsync(client)).GetValueOrDefault("leaving") is "ShuttingDown" or "Stopping" or "Dead",
            "the stopped node no longer Active", MembershipSeconds);
        Assert.Equal("Active", Statuses(await ClusterAsync(client))["staying"]);
        Assert.Contains("Left cluster", leaving.Output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_node_killed_with_kill_9_is_declared_Dead_by_the_other()
    {
        var database = await TestDatabase.CreateEmptyAsync();
        await using var surviving = await NodeAsync(database, "surviving");
        await using var killed = await NodeAsync(database, "killed");
        using var client = Client(surviving);
        await EventuallyAsync(async () => Statuses(await ClusterAsync(client)).GetValueOrDefault("killed") == "Active", "the killed node Active first", MembershipSeconds);

        await killed.KillAsync();

        await EventuallyAsync(async () => Statuses(await ClusterAsync(client)).GetValueOrDefault("killed") == "Dead", "the killed node Dead", MembershipSeconds);
        Assert.Equal("Active", Statuses(await ClusterAsync(client))["surviving"]);
        Assert.Equal(1, (await StatusAsync(client)).GetProperty("cluster").GetProperty("nodes").GetProperty("Dead").GetInt32());
    }

    [Fact(Timeout = 300_000)]
    public async Task A_frozen_node_declared_dead_stops_checking_and_exits_with_the_reason_when_it_wakes()
    {
        var database = await TestDatabase.CreateEmptyAsync();
        await using var awake = await NodeAsync(database, "awake");
        await using var frozen = await NodeAsync(database, "frozen");
        using var client = Client(awake);
        await EventuallyAsync(async () => Statuses(await ClusterAsync(client)).GetValueOrDefault("frozen") == "Active", "the frozen node Active first", MembershipSeconds);

        // SIGSTOP: the process neither answers probes nor closes its connections, as when its network is cut.
        Signals.Send(frozen.Pid, Signals.SigStop);
        try
        {
            await EventuallyAsync(async () => Statuses(await ClusterAsync(client)).GetValueOrDefault("frozen") == "Dead", "the frozen node Dead", MembershipSeconds);
        }
        finally
        {
            Signals.Send(frozen.Pid, Signals.SigCont);
        }

        // Awake again, it reads that it is dead: it stops checking and ends, saying so.
        var exitCode = await frozen.WaitForExitAsync();
        output.WriteLine(frozen.Output);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("This node left the cluster for good", frozen.Output, StringComparison.Ordinal);
        Assert.Contains("checks stopped", frozen.Output, StringComparison.Ordinal);
        Assert.Equal("Active", Statuses(await ClusterAsync(client))["awake"]);
    }

    private static Task<WebAppProcess> NodeAsync(string database, string name) => WebAppProcess.StartAsync(new Dictionary<string, string>
    {
        ["HC_DATABASE"] = database,
        ["HC_ADMIN_PASSWORD"] = ApiApp.Password,
        ["HC_NODE_NAME"] = name,
    });

    private static HttpClient Client(WebAppProcess app) => new() { BaseAddress = app.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<JsonElement> ClusterAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync("api/cluster")).RootElement.Clone();

    /// <summary>Each node's status by name.</summary>
    private static Dictionary<string, string> Statuses(JsonElement cluster) =>
        cluster.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("status").GetString()!);
}
