using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using HealthChecker.Web.Api;
using HealthChecker.Web.Hosting;
using HealthChecker.Web.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static HealthChecker.Tests.Web.Support.MonitorProbe;
using HealthChecker.Testing;

namespace HealthChecker.Tests.Web.Hosting;

/// <summary>The hosted engine across starts and stops: first-start examples, the flush at shutdown, /healthz when things are not well.</summary>
public sealed partial class MonitorLifecycleTests
{
    private const string Password = "lifecycle password";

    [Fact(Timeout = 300_000)]
    public async Task The_first_start_adds_the_two_examples_which_come_up_shutdown_writes_every_result_and_deleted_examples_stay_deleted()
    {
        var database = await TestDatabase.CreateEmptyAsync();
        var environment = new Dictionary<string, string> { ["HC_DATABASE"] = database, ["HC_ADMIN_PASSWORD"] = Password };

        var first = await WebAppProcess.StartAsync(environment);
        await using (first)
        {
            using var client = Client(first);
            await EventuallyAsync(async () => await StateAsync(client, "healthchecker/postgresql") == "UP", "the PostgreSQL example is UP");
            await EventuallyAsync(async () => await StateAsync(client, "healthchecker/web") == "UP", "the /healthz example is UP");
            Assert.Equal(2, (await StatusAsync(client)).GetProperty("counts").GetProperty("targets").GetInt32());
            var port = new Npgsql.NpgsqlConnectionStringBuilder(database).Port;
            Assert.Equal($"tcp://127.0.0.1:{port}", await CheckOfAsync(client, "postgresql"));
            Assert.Equal($"{first.BaseUrl}healthz", await CheckOfAsync(client, "web"));
            foreach (var id in await IdsAsync(client))
            {
                // The writer batches: the first state reaches the table shortly after the page shows it.
                await EventuallyAsync(async () => (await ChangesAsync(database, id)).Count > 0, $"target {id}'s first state is written");
                Assert.Equal(["UNKNOWN>UP"], await ChangesAsync(database, id));
            }

            Assert.Equal(0, await first.StopAsync());
            var (checks, written) = Stopped(first.Output);
            Assert.True(checks > 0);
            Assert.Equal(checks, written);
            Assert.Equal(written, await ScalarAsync(database, "SELECT count(*) FROM check_results"));
            Assert.Equal(1, await ScalarAsync(database, "SELECT count(*) FROM monitor_runs WHERE stopped_at IS NOT NULL"));
        }

        // Second start: the examples are loaded again, not added again; then the user deletes them.
        var second = await WebAppProcess.StartAsync(environment);
        await using (second)
        {
            using var client = Client(second);
            Assert.DoesNotContain("First start with no targets", second.Output, StringComparison.Ordinal);
            await EventuallyAsync(async () => await StateAsync(client, "healthchecker/postgresql") == "UP", "the PostgreSQL example is UP again");
            Assert.Equal(2, await ScalarAsync(database, "SELECT count(*) FROM targets"));
            foreach (var id in await IdsAsync(client))
            {
                Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"api/targets/{id}")).StatusCode);
            }

            await EventuallyAsync(async () => (await StatusAsync(client)).GetProperty("counts").GetProperty("targets").GetInt32() == 0, "no target scheduled");
            Assert.Equal(0, await second.StopAsync());
        }

        var third = await WebAppProcess.StartAsync(environment);
        await using (third)
        {
            using var client = Client(third);
            Assert.True((await StatusAsync(client)).GetProperty("engineRunning").GetBoolean());
            Assert.Equal(0, await ScalarAsync(database, "SELECT count(*) FROM targets"));
            Assert.Equal(0, await third.StopAsync());
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Once_the_database_is_gone_healthz_answers_503_with_the_reason_for_the_admin_and_only_database_unreachable_for_anyone_else()
    {
        // The app's own embedded cluster, so that stopping it harms no other test.
        var app = await WebAppProcess.StartAsync(new Dictionary<string, string> { ["HC_ADMIN_PASSWORD"] = Password });
        await using (app)
        {
            using var client = Client(app);
            await EventuallyAsync(async () => (await client.GetAsync("healthz")).StatusCode == HttpStatusCode.OK, "/healthz is 200");

            var postmaster = app.PostgresProcesses().Min();
            Signals.Send(postmaster, Signals.SigInt); // fast shutdown, as pg_ctl stop -m fast

            HttpResponseMessage? healthz = null;
            await EventuallyAsync(async () => (healthz = await client.GetAsync("healthz")).StatusCode == HttpStatusCode.ServiceUnavailable, "/healthz is 503");
            Assert.StartsWith("database unreachable: ", await healthz!.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var status = await StatusAsync(client);
            Assert.True(status.GetProperty("engineRunning").GetBoolean());
            Assert.False(status.GetProperty("databaseReachable").GetBoolean());
            Assert.StartsWith("database unreachable: ", status.GetProperty("databaseProblem").GetString(), StringComparison.Ordinal);

            // No socket path or connection detail for anonymous callers; the log has them.
            using var anonymous = new HttpClient { BaseAddress = app.BaseUrl };
            var open = await anonymous.GetAsync("healthz");
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "database unreachable"), (open.StatusCode, await open.Content.ReadAsStringAsync()));
            var anonymousStatus = await StatusAsync(anonymous);
            Assert.False(anonymousStatus.GetProperty("databaseReachable").GetBoolean());
            Assert.Equal("database unreachable", anonymousStatus.GetProperty("databaseProblem").GetString());
            Assert.Contains("Database probe failed: database unreachable: ", app.Output, StringComparison.Ordinal);
            await app.StopAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Healthz_says_the_engine_is_not_running_before_it_starts()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{HealthChecker.Web.Hosting.ConfigurationExtensions.ConnectionStringName}"] = await TestDatabase.CreateEmptyAsync(),
        }).Build();
        await using var database = new DatabaseService(configuration, TestLog.Silent);
        await database.StartAsync(CancellationToken.None);
        var monitor = new MonitorService(configuration);
        using var view = new MonitorView(monitor, TestLog.Silent);

        var probe = new DatabaseProbe(database, TestLog.Silent);
        Assert.Equal((false, "engine not running"), await HealthzEndpoint.CheckAsync(view, probe, detailed: false));

        await database.StopAsync(CancellationToken.None);
        Assert.Equal((false, "engine not running; database not open"), await HealthzEndpoint.CheckAsync(view, probe, detailed: true));
        Assert.Equal((false, "engine not running; database unreachable"), await HealthzEndpoint.CheckAsync(view, probe, detailed: false));
    }

    private static HttpClient Client(WebAppProcess app)
    {
        var client = new HttpClient { BaseAddress = app.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"admin:{Password}")));
        return client;
    }

    private static async Task<List<long>> IdsAsync(HttpClient client) =>
        [.. (await TargetStatesAsync(client)).Select(t => t.GetProperty("id").GetInt64())];

    private static async Task<string?> CheckOfAsync(HttpClient client, string name)
    {
        var targets = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("api/targets")).RootElement.GetProperty("items");
        var target = targets.EnumerateArray().Single(t => t.GetProperty("name").GetString() == $"{ExampleTargets.Group}/{name}");
        return target.GetProperty("check").GetString();
    }

    private static (long Checks, long Written) Stopped(string output)
    {
        var match = StoppedLine().Match(output);
        Assert.True(match.Success, $"No stop line in:\n{output}");
        return (long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"Check engine stopped after (\d+) checks: (\d+) results written")]
    private static partial Regex StoppedLine();
}
