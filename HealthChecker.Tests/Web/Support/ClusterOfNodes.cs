using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HealthChecker.Core.Cluster;
using Xunit.Abstractions;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Support;

/// <summary>
/// A few app processes on one database, one cluster: each with its own HTTP, silo and gateway ports, one admin password.
/// Nodes are started, stopped (SIGTERM) and killed (SIGKILL) by name; the test waits on what <c>/api/cluster</c> says.
/// </summary>
public sealed class ClusterOfNodes(string database, ITestOutputHelper output) : IAsyncDisposable
{
    public const string Password = "cluster password";

    // Generous: joins and Orleans' death declarations take seconds, a loaded machine may take longer.
    private const int MembershipSeconds = 120;

    private readonly Dictionary<string, WebAppProcess> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);

    /// <summary>The connection string every node is given unless told otherwise.</summary>
    public string Database => database;

    /// <summary>The nodes started and not stopped or killed, by name.</summary>
    public IReadOnlyCollection<string> Running => _nodes.Keys;

    public WebAppProcess this[string name] => _nodes[name];

    /// <summary>
    /// Starts node <paramref name="name"/> on the cluster's database (or on <paramref name="viaDatabase"/>, the same one reached
    /// another way), with <paramref name="settings"/> (environment variables) besides the cluster's own.
    /// </summary>
    public async Task<WebAppProcess> StartAsync(string name, string? viaDatabase = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["HC_DATABASE"] = viaDatabase ?? database,
            ["HC_ADMIN_PASSWORD"] = Password,
            ["HC_NODE_NAME"] = name,
            ["HealthChecker__Monitor__SeedExamples"] = "false",
        };
        var node = await WebAppProcess.StartAsync(environment);
        _nodes[name] = node;
        var client = new HttpClient { BaseAddress = node.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{Password}")));
        _clients[name] = client;
        return node;
    }

    /// <summary>An admin client of node <paramref name="name"/>.</summary>
    public HttpClient Client(string name) => _clients[name];

    /// <summary>SIGTERM: the node hands over and leaves; returns its exit code.</summary>
    public async Task<int> StopAsync(string name)
    {
        var code = await _nodes[name].StopAsync();
        await ForgetAsync(name);
        return code;
    }

    /// <summary>kill -9: the node says nothing to anyone.</summary>
    public async Task KillAsync(string name)
    {
        await _nodes[name].KillAsync();
        await ForgetAsync(name);
    }

    /// <summary>Adds <paramref name="count"/> HTTP targets on <paramref name="peer"/> through node <paramref name="via"/>; returns their ids by name.</summary>
    public async Task<IReadOnlyDictionary<string, long>> AddTargetsAsync(string via, CheckCountingPeer peer, int count, string inter)
    {
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            var name = $"t{i:D3}";
            var created = await Client(via).PostAsJsonAsync("api/targets", new { name = $"cluster/{name}", check = peer.UrlOf(name), inter });
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
            ids[name] = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        }

        return ids;
    }

    /// <summary>Waits until every running node lists exactly <see cref="Running"/> as its Active nodes.</summary>
    public async Task WaitAllActiveAsync()
    {
        var expected = Running.Order(StringComparer.Ordinal).ToList();
        foreach (var name in expected)
        {
            await EventuallyAsync(async () => ActiveNames(await ClusterAsync(name)).SequenceEqual(expected),
                $"{name} lists {string.Join(", ", expected)} as the Active nodes", MembershipSeconds);
        }
    }

    /// <summary>Waits until node <paramref name="name"/> lists <paramref name="other"/> with <paramref name="status"/>.</summary>
    public Task WaitStatusAsync(string name, string other, string status) =>
        EventuallyAsync(async () => (await ClusterAsync(name)).GetProperty("nodes").EnumerateArray()
            .Any(n => n.GetProperty("name").GetString() == other && n.GetProperty("status").GetString() == status),
            $"{name} lists {other} {status}", MembershipSeconds);

    /// <summary>Waits until every running node is Active with some targets and their targets sum to <paramref name="total"/>, as <paramref name="asked"/> says.</summary>
    public Task WaitSharedOutAsync(int total, string? asked = null) =>
        EventuallyAsync(async () => TargetsByNode(await ClusterAsync(asked ?? Running.First())) is var byNode
            && byNode.Keys.Order(StringComparer.Ordinal).SequenceEqual(Running.Order(StringComparer.Ordinal))
            && byNode.Values.All(n => n > 0) && byNode.Values.Sum() == total,
            $"the {total} targets shared out over {string.Join(", ", Running)}", MembershipSeconds);

    /// <summary>The targets each Active node checks, by name, as node <paramref name="asked"/> lists them.</summary>
    public async Task<IReadOnlyDictionary<string, int>> TargetsByNodeAsync(string asked) => TargetsByNode(await ClusterAsync(asked));

    /// <summary>The member ids (ip:port@generation) of the running nodes, by name, from their own /api/status.</summary>
    public async Task<IReadOnlyDictionary<string, string>> MembersAsync()
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Running)
        {
            members[name] = (await StatusAsync(Client(name))).GetProperty("cluster").GetProperty("member").GetString()!;
        }

        return members;
    }

    /// <summary>The names of the targets node <paramref name="name"/> owns with the running nodes Active, by the product's own shard map.</summary>
    public static IReadOnlyList<string> OwnedBy(string member, IReadOnlyCollection<string> activeMembers, IReadOnlyDictionary<string, long> targets) =>
        [.. targets.Where(t => ShardMap.OwnerOf(ShardMap.ShardOf(t.Value), activeMembers) == member).Select(t => t.Key)];

    public async Task<JsonElement> ClusterAsync(string name) =>
        JsonDocument.Parse(await Client(name).GetStringAsync("api/cluster")).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        foreach (var name in Running.ToList())
        {
            output.WriteLine($"--- {name}: last lines");
            output.WriteLine(string.Join('\n', _nodes[name].Output.Split('\n').TakeLast(40)));
            await ForgetAsync(name);
        }
    }

    private static List<string> ActiveNames(JsonElement cluster) =>
        [.. cluster.GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("status").GetString() == "Active")
            .Select(n => n.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];

    private static Dictionary<string, int> TargetsByNode(JsonElement cluster) =>
        cluster.GetProperty("nodes").EnumerateArray()
            .Where(n => n.GetProperty("status").GetString() == "Active" && n.GetProperty("targets").ValueKind == JsonValueKind.Number)
            .ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("targets").GetInt32(), StringComparer.Ordinal);

    private async Task ForgetAsync(string name)
    {
        _clients.Remove(name, out var client);
        client?.Dispose();
        if (_nodes.Remove(name, out var node))
        {
            await node.DisposeAsync();
        }
    }
}
