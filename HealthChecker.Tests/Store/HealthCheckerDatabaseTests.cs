using System.Net;
using System.Net.Sockets;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using HealthChecker.Testing;

namespace HealthChecker.Tests.Store;

public class HealthCheckerDatabaseTests
{
    [Fact]
    public async Task A_configured_server_is_migrated_and_its_targets_listed()
    {
        await using var db = await HealthCheckerDatabase.OpenAsync(await TestDatabase.CreateEmptyAsync(), "unused", TestLog.Silent);
        await using (var cmd = db.DataSource.CreateCommand(
            "INSERT INTO targets (name, group_name, kind, host, port) VALUES ('pg', 'infra', 'tcp', '127.0.0.1', 5432), ('app', 'infra', 'http', 'localhost', 5080)"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var targets = await new TargetStore(db.DataSource).ListAsync();

        Assert.Null(db.Cluster);
        Assert.Equal(["infra/app", "infra/pg"], targets.Select(t => t.FullName));
        var pg = targets[1];
        Assert.Equal(("tcp", "127.0.0.1", 5432, 2000, 2, 3, true, true), (pg.Kind, pg.Host, pg.Port, pg.InterMs, pg.Rise, pg.Fall, pg.StartUp, pg.Enabled));
        Assert.Equal("{}", pg.Options);
    }

    [Fact]
    public async Task An_unreachable_server_gives_one_line_naming_it()
    {
        var port = LoopbackPorts.Free();

        var error = await Assert.ThrowsAsync<DatabaseStartupException>(() =>
            HealthCheckerDatabase.OpenAsync($"Host=127.0.0.1;Port={port};Username=hc;Database=hc;Timeout=5", "unused", TestLog.Silent));

        Assert.StartsWith($"Cannot connect to PostgreSQL at 127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task A_malformed_connection_string_gives_one_line()
    {
        var error = await Assert.ThrowsAsync<DatabaseStartupException>(() =>
            HealthCheckerDatabase.OpenAsync("Hostt=localhost", "unused", TestLog.Silent));

        Assert.StartsWith("The database connection string is not valid", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task A_wrong_database_name_is_reported_by_the_server_message()
    {
        var good = new Npgsql.NpgsqlConnectionStringBuilder(await TestDatabase.CreateEmptyAsync()) { Database = "no_such_db" };

        var error = await Assert.ThrowsAsync<DatabaseStartupException>(() =>
            HealthCheckerDatabase.OpenAsync(good.ConnectionString, "unused", TestLog.Silent));

        Assert.Contains("no_such_db", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
