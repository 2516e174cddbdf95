using System.Diagnostics;
using System.Text.Json;
using HealthChecker.Bench.Dashboard;

namespace HealthChecker.Bench.Cluster;

/// <summary>One node of the benchmark's cluster: the app as a child process on the shared database, and what it says of itself and the cluster.</summary>
internal sealed class ClusterNode(string name, WebApp app) : IAsyncDisposable
{
    public string Name => name;

    public WebApp App => app;

    public static async Task<ClusterNode> StartAsync(string dll, string name, string clusterId, string database)
    {
        var app = await WebApp.StartAsync(dll, TimeSpan.FromMinutes(3), new Dictionary<string, string>
        {
            ["HC_DATABASE"] = database,
            ["HC_CLUSTER_ID"] = clusterId,
            ["HC_NODE_NAME"] = name,
        }, logName: $"clusterbench-{clusterId}-{name}").ConfigureAwait(false);
        return new ClusterNode(name, app);
    }

    /// <summary>Checks completed (<c>healthchecker_checks_total</c>) and user+system CPU of the process, read one right after the other.</summary>
    public async Task<Sample> SampleAsync()
    {
        var checks = await app.MetricAsync("healthchecker_checks_total").ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{name}: /metrics has no healthchecker_checks_total");
        return new Sample((long)checks, ProcFs.CpuTime(app.Pid), Stopwatch.GetTimestamp());
    }

    /// <summary>The Active nodes and the targets each checks, as this node lists them in <c>/api/cluster</c> (null: no figures).</summary>
    public async Task<Dictionary<string, int?>> ActiveTargetsAsync()
    {
        using var json = JsonDocument.Parse(await app.Anonymous.GetStringAsync(new Uri("api/cluster", UriKind.Relative)).ConfigureAwait(false));
        return json.RootElement.GetProperty("nodes").EnumerateArray()
            .Where(n => n.GetProperty("status").GetString() == "Active")
            .ToDictionary(n => n.GetProperty("name").GetString()!,
                n => n.TryGetProperty("targets", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : (int?)null, StringComparer.Ordinal);
    }

    /// <summary>This node's member id (<c>ip:port@generation</c>) and the count of Dead nodes in its membership table, from <c>/api/status</c>.</summary>
    public async Task<(string Member, int Dead)> MembershipAsync()
    {
        using var json = JsonDocument.Parse(await app.Anonymous.GetStringAsync(new Uri("api/status", UriKind.Relative)).ConfigureAwait(false));
        var cluster = json.RootElement.GetProperty("cluster");
        var dead = cluster.GetProperty("nodes").TryGetProperty("Dead", out var d) ? d.GetInt32() : 0;
        return (cluster.GetProperty("member").GetString()!, dead);
    }

    /// <summary>Every target's id and check URL, from the pages of <c>/api/targets</c>.</summary>
    public async Task<List<(long Id, string Check)>> TargetsAsync()
    {
        var targets = new List<(long, string)>();
        string? next = null;
        do
        {
            var url = next is null ? "api/targets?limit=1000" : $"api/targets?limit=1000&after={Uri.EscapeDataString(next)}";
            using var page = JsonDocument.Parse(await app.Http.GetStringAsync(new Uri(url, UriKind.Relative)).ConfigureAwait(false));
            targets.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(t => (t.GetProperty("id").GetInt64(), t.GetProperty("check").GetString()!)));
            next = page.RootElement.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        }
        while (next is not null);

        return targets;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    /// <summary>A node's counters at one moment (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    internal readonly record struct Sample(long Checks, TimeSpan Cpu, long At);
}
