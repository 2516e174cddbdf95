using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using HealthChecker.Core.Store;
using HealthChecker.Testing;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using Npgsql;
using Xunit.Abstractions;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Hosting;

/// <summary>The running app as one node of its cluster: once its own membership row says Dead, it stops checking and writing, and exits.</summary>
public sealed class FencedOutAppTests(ITestOutputHelper output)
{
    private const string Password = "fenced password";
    private const string Halted = "This node left the cluster for good";
    private const string FencedOut = "no longer an Active member of its cluster";

    [Fact(Timeout = 300_000)]
    public async Task A_node_whose_own_row_is_declared_Dead_writes_nothing_more_stops_checking_and_exits_saying_so()
    {
        var database = await TestDatabase.CreateEmptyAsync();

        // An HTTP check waits for the answer: every connection it opens is accepted, so counted.
        var connections = 0;
        using var peer = new ScriptedPeer(s =>
        {
            Interlocked.Increment(ref connections);
            ScriptedPeer.AfterRequest(ScriptedPeer.Says("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray()))(s);
        });
        var siloPort = LoopbackPorts.Free();
        await using var app = await WebAppProcess.StartAsync(new Dictionary<string, string>
        {
            ["HC_DATABASE"] = database,
            ["HC_ADMIN_PASSWORD"] = Password,
            ["HC_SILO_PORT"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["HealthChecker__Monitor__SeedExamples"] = "false",
        });
        using var client = new HttpClient { BaseAddress = app.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{Password}")));
        var created = await client.PostAsJsonAsync("api/targets", new { name = "cluster/node", check = $"http://127.0.0.1:{peer.Port}/", inter = "200ms" });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        await EventuallyAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM check_results") >= 3, "results are written while the node is Active");
        Assert.True(await ScalarAsync(database, "SELECT count(*) FROM state_changes") >= 1);

        // Another node's verdict on this node's real row: the silo that joined on the port given.
        var self = await ActiveRowAsync(database, siloPort);
        await MembershipRows.DeclareDeadAsync(database, self);
        // The fence reads the row FOR SHARE: the update above waited for any write in flight, so these counts are final.
        var written = await ScalarAsync(database, "SELECT count(*) FROM check_results");
        var changes = await ScalarAsync(database, "SELECT count(*) FROM state_changes");

        // Both lines are logged once the engine halted (a fenced write, or Orleans reading the table): no check starts after.
        await EventuallyAsync(() => Task.FromResult(app.Output.Contains(Halted, StringComparison.Ordinal) || app.Output.Contains(FencedOut, StringComparison.Ordinal)),
            "the node halts its engine");
        var seen = Volatile.Read(ref connections);

        var exitCode = await app.WaitForExitAsync();
        output.WriteLine(app.Output);
        Assert.NotEqual(0, exitCode);
        Assert.Single(app.Output.Split('\n'), line => line.Contains(Halted, StringComparison.Ordinal) && line.Contains("checks stopped, exiting", StringComparison.Ordinal));
        Assert.True(seen >= 3);
        // The one check in flight when the engine halted may still reach the peer after it was counted.
        Assert.InRange(Volatile.Read(ref connections), seen, seen + 1);
        Assert.Equal(written, await ScalarAsync(database, "SELECT count(*) FROM check_results"));
        Assert.Equal(changes, await ScalarAsync(database, "SELECT count(*) FROM state_changes"));
    }

    private static async Task<MembershipFence> ActiveRowAsync(string database, int siloPort)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        var row = await conn.QuerySingleAsync<(string DeploymentId, string Address, int Port, int Generation)>(
            "SELECT deploymentid, address, port, generation FROM orleansmembershiptable WHERE port = @siloPort AND status = @Active",
            new { siloPort, MembershipRows.Active });
        return new MembershipFence(row.DeploymentId, row.Address, row.Port, row.Generation);
    }
}
