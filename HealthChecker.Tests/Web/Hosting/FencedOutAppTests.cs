using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using Npgsql;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Hosting;

/// <summary>The running app as one node of a cluster: once its membership row says Dead, it stops checking and writing.</summary>
public sealed class FencedOutAppTests
{
    private const string Password = "fenced password";

    [Fact(Timeout = 300_000)]
    public async Task A_node_declared_Dead_stops_checking_and_writing_and_says_so_in_status_and_metrics()
    {
        var node = MembershipRows.Node;
        var database = await TestDatabase.CreateEmptyAsync();
        await using (var db = NpgsqlDataSource.Create(database))
        {
            await MigrationRunner.ApplyAsync(db, MigrationRunner.DefaultDirectory, TestLog.Silent);
            await MembershipRows.JoinActiveAsync(db, node);
        }

        // An HTTP check waits for the answer: every connection it opens is accepted, so counted.
        var connections = 0;
        using var peer = new ScriptedPeer(s =>
        {
            Interlocked.Increment(ref connections);
            ScriptedPeer.AfterRequest(ScriptedPeer.Says("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray()))(s);
        });
        var app = await WebAppProcess.StartAsync(new Dictionary<string, string>
        {
            ["HC_DATABASE"] = database,
            ["HC_ADMIN_PASSWORD"] = Password,
            ["HealthChecker__Monitor__SeedExamples"] = "false",
            ["HealthChecker__Monitor__Member__ClusterId"] = node.DeploymentId,
            ["HealthChecker__Monitor__Member__Address"] = node.Address,
            ["HealthChecker__Monitor__Member__Port"] = node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HealthChecker__Monitor__Member__Generation"] = node.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await using (app)
        {
            using var client = new HttpClient { BaseAddress = app.BaseUrl };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{Password}")));
            var created = await client.PostAsJsonAsync("api/targets", new { name = "cluster/node", check = $"http://127.0.0.1:{peer.Port}/", inter = "200ms" });
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
            await EventuallyAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM check_results") >= 3, "results are written while the node is Active");
            Assert.True(await ScalarAsync(database, "SELECT count(*) FROM state_changes") >= 1);

            await MembershipRows.DeclareDeadAsync(database, node);
            await EventuallyAsync(async () => !(await StatusAsync(client)).GetProperty("engineRunning").GetBoolean(), "the engine stops once the node is Dead");
            var seen = Volatile.Read(ref connections);
            var written = await ScalarAsync(database, "SELECT count(*) FROM check_results");
            var changes = await ScalarAsync(database, "SELECT count(*) FROM state_changes");

            // A clock made of checks: another scheduler's fifteen checks at the same interval pass while the app checks nothing.
            using var witness = new LoopbackPeer(PeerBehaviour.NeverAccept);
            using var scheduler = new TargetScheduler(new SchedulerOptions { Loops = 1 });
            var ticks = 0;
            scheduler.CheckCompleted += _ => Interlocked.Increment(ref ticks);
            await scheduler.AddAsync(SchedulerHarness.Target("witness/clock", witness.EndPoint, inter: TimeSpan.FromMilliseconds(200)));
            await EventuallyAsync(() => Task.FromResult(Volatile.Read(ref ticks) >= 15), "fifteen checks of the witness");

            Assert.True(seen >= 3);
            // The one check in flight when the engine halted may still reach the peer after it was counted.
            Assert.InRange(Volatile.Read(ref connections), seen, seen + 1);
            Assert.Equal(written, await ScalarAsync(database, "SELECT count(*) FROM check_results"));
            Assert.Equal(changes, await ScalarAsync(database, "SELECT count(*) FROM state_changes"));

            var status = await StatusAsync(client);
            Assert.True(status.GetProperty("results").GetProperty("fencedOut").GetBoolean());
            var metrics = ParsePrometheus(await client.GetStringAsync("metrics"));
            Assert.Equal(1, metrics.Single(m => m.Name == "healthchecker_fenced_out").Value);
            Assert.Equal(0, metrics.Single(m => m.Name == "healthchecker_engine_running").Value);
            Assert.Contains("no longer an Active member of its cluster", app.Output, StringComparison.Ordinal);
        }
    }
}
