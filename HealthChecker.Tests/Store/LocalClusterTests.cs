using System.Net;
using System.Net.Sockets;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using Npgsql;

namespace HealthChecker.Tests.Store;

public class LocalClusterTests
{
    [Fact]
    public async Task Starts_reuses_its_data_on_the_next_start_and_leaves_no_process_behind()
    {
        var root = TempFolder.Create("hc-cluster");
        try
        {
            string dataDirectory;
            int port;
            await using (var first = await LocalCluster.StartAsync(root, TestLog.Silent))
            {
                dataDirectory = first.DataDirectory;
                port = first.Port;
                Assert.NotEmpty(Processes.WithCommandLineContaining(dataDirectory));
                await ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
            }

            Assert.Empty(Processes.WithCommandLineContaining(dataDirectory));

            await using (var second = await LocalCluster.StartAsync(root, TestLog.Silent))
            {
                Assert.Equal(dataDirectory, second.DataDirectory);
                // Same port as before: targets and psql sessions that point at it still reach it.
                Assert.Equal(port, second.Port);
                await using var conn = new NpgsqlConnection(Unpooled(second.ConnectionString));
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT v FROM kept", conn);
                Assert.Equal("still here", await cmd.ExecuteScalarAsync());
            }

            Assert.Empty(Processes.WithCommandLineContaining(dataDirectory));
            Assert.Contains($"dbname={LocalCluster.DatabaseName}", await File.ReadAllTextAsync(Path.Combine(root, "connection.txt")), StringComparison.Ordinal);
        }
        finally
        {
            TempFolder.Delete(root);
        }
    }

    [Fact]
    public async Task When_its_previous_port_is_taken_it_starts_on_another()
    {
        var root = TempFolder.Create("hc-cluster");
        try
        {
            int previous;
            await using (var first = await LocalCluster.StartAsync(root, TestLog.Silent))
            {
                previous = first.Port;
            }

            using var squatter = new TcpListener(IPAddress.Loopback, previous);
            squatter.Start();

            await using var second = await LocalCluster.StartAsync(root, TestLog.Silent);
            Assert.NotEqual(previous, second.Port);
            await ExecuteAsync(second.ConnectionString, "SELECT 1");
            Assert.Contains($"port={second.Port}", await File.ReadAllTextAsync(Path.Combine(root, "connection.txt")), StringComparison.Ordinal);
        }
        finally
        {
            TempFolder.Delete(root);
        }
    }

    [Fact]
    public async Task A_chosen_port_that_is_taken_fails_with_one_line_naming_the_bind_failure()
    {
        var root = TempFolder.Create("hc-cluster");
        try
        {
            using var squatter = new TcpListener(IPAddress.Loopback, 0);
            squatter.Start();
            var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

            var error = await Assert.ThrowsAsync<DatabaseStartupException>(() => LocalCluster.StartAsync(root, TestLog.Silent, port: taken));

            Assert.Contains("could not bind", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        }
        finally
        {
            TempFolder.Delete(root);
        }
    }

    [Fact]
    public async Task A_second_instance_on_a_running_cluster_is_refused_with_one_line()
    {
        var root = TempFolder.Create("hc-cluster");
        try
        {
            await using var first = await LocalCluster.StartAsync(root, TestLog.Silent);

            // Another live process owns it: pretend the running server was started by our parent.
            await File.WriteAllTextAsync(Path.Combine(first.ClusterRoot, "owner.pid"), Environment.GetEnvironmentVariable("PPID") ?? "1");
            var error = await Assert.ThrowsAsync<DatabaseStartupException>(() => LocalCluster.StartAsync(root, TestLog.Silent));

            Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        }
        finally
        {
            TempFolder.Delete(root);
        }
    }

    [Fact]
    public async Task A_server_left_behind_by_a_dead_instance_is_taken_over()
    {
        var root = TempFolder.Create("hc-cluster");
        try
        {
            var crashed = await LocalCluster.StartAsync(root, TestLog.Silent);
            // The owner died without stopping its server (kill -9): a pid that no longer runs.
            await File.WriteAllTextAsync(Path.Combine(crashed.ClusterRoot, "owner.pid"), "2147483646");

            await using (var next = await LocalCluster.StartAsync(root, TestLog.Silent))
            {
                await ExecuteAsync(next.ConnectionString, "SELECT 1");
            }

            Assert.Empty(Processes.WithCommandLineContaining(crashed.DataDirectory));
        }
        finally
        {
            TempFolder.Delete(root);
        }
    }

    [Fact]
    public void Missing_binaries_fail_with_one_line_saying_how_to_install_them()
    {
        var error = Assert.Throws<DatabaseStartupException>(() => PostgresBinaries.Find(["/nonexistent/bin"]));

        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    // The cluster keeps its port across restarts, so the connection string stays the same: a pooled
    // connection from before a restart would be one to the stopped server.
    private static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(Unpooled(connectionString));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
