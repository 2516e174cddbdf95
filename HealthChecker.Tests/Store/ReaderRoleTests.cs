using Dapper;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using Npgsql;

namespace HealthChecker.Tests.Store;

public class ReaderRoleTests
{
    [Fact]
    public async Task Hc_reader_selects_every_table_and_view()
    {
        var admin = await TestDatabase.CreateEmptyAsync();
        await using var db = NpgsqlDataSource.Create(admin);
        await MigrationRunner.ApplyAsync(db, MigrationRunner.DefaultDirectory, TestLog.Silent);
        var target = await HistoryRows.AddTargetAsync(db, "web", "http");
        await HistorySchemaTests.InsertConstructedHistoryAsync(db, target);
        await using var login = await ReaderLogin.CreateAsync(admin);

        await using var conn = new NpgsqlConnection(login.ConnectionString);
        await conn.OpenAsync();
        var relations = (await conn.QueryAsync<string>("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1
            """)).ToList();
        foreach (var relation in relations)
        {
            await conn.ExecuteScalarAsync<long>($"SELECT count(*) FROM (SELECT * FROM \"{relation}\" LIMIT 5) AS x");
        }

        Assert.Superset(
            new HashSet<string> { "check_history", "state_intervals", "availability_daily", "monitor_coverage", "check_results", "check_results_default",
                "targets", "state_changes", "monitor_runs", "rollup_minute", "rollup_hour", "rollup_day", "schema_migrations", "cluster_nodes" },
            relations.ToHashSet());
        Assert.Contains(relations, r => r.StartsWith("check_results_2", StringComparison.Ordinal));
        Assert.Equal(87.5m, await conn.ExecuteScalarAsync<decimal>("SELECT uptime_pct FROM availability_daily WHERE day = '2026-01-02'"));
    }

    [Theory]
    [InlineData("hc_private.admin_credentials")]
    [InlineData("hc_private.data_protection_keys")]
    [InlineData("hc_private.alert_channels")]
    [InlineData("hc_private.alert_channel_secrets")]
    public async Task Hc_reader_cannot_read_the_secrets(string table)
    {
        var admin = await TestDatabase.CreateEmptyAsync();
        await using var db = NpgsqlDataSource.Create(admin);
        await MigrationRunner.ApplyAsync(db, MigrationRunner.DefaultDirectory, TestLog.Silent);
        await new AdminCredentialStore(db).TryAddPasswordHashAsync("not-a-real-hash");
        await using var login = await ReaderLogin.CreateAsync(admin);

        await using var conn = new NpgsqlConnection(login.ConnectionString);
        await conn.OpenAsync();
        var error = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task An_app_user_that_owns_its_database_but_is_no_superuser_migrates_and_grants_hc_reader()
    {
        var admin = await TestDatabase.CreateEmptyAsync();
        var owner = $"hc_test_owner_{Guid.NewGuid().ToString("N")[..10]}";
        var password = Guid.NewGuid().ToString("N");
        await ExecuteAsync(admin, $"CREATE ROLE {owner} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD '{password}'");
        await ExecuteAsync(admin, $"CREATE DATABASE {owner} OWNER {owner}");
        try
        {
            var asOwner = new NpgsqlConnectionStringBuilder(admin) { Database = owner, Username = owner, Password = password, Pooling = false }.ConnectionString;
            await using (var db = NpgsqlDataSource.Create(asOwner))
            {
                await MigrationRunner.ApplyAsync(db, MigrationRunner.DefaultDirectory, TestLog.Silent);
                await HistoryRows.AddTargetAsync(db, "web");
                Assert.Equal(0, await new HistoryMaintenance(db, TestLog.Silent).EnsurePartitionsAsync());

                // The procedure docs/sql.md gives when the app may not create the role (a no-op when it exists already).
                await ExecuteAsync(admin, """
                    DO $$ BEGIN
                        CREATE ROLE hc_reader NOLOGIN;
                    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                    END $$
                    """);
                await using var grant = db.CreateCommand("SELECT hc_grant_reader()");
                Assert.Equal(true, await grant.ExecuteScalarAsync());
            }

            await using var login = await ReaderLogin.CreateAsync(new NpgsqlConnectionStringBuilder(admin) { Database = owner }.ConnectionString);
            await using var conn = new NpgsqlConnection(login.ConnectionString);
            await conn.OpenAsync();
            Assert.Equal(1L, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM targets"));
            Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM state_intervals"));
            var error = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync("CREATE TEMPORARY TABLE mine (id int)"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }
        finally
        {
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {owner} WITH (FORCE)");
            await ExecuteAsync(admin, $"DROP ROLE IF EXISTS {owner}");
        }
    }

    [Theory]
    [InlineData("INSERT INTO targets (name, kind, host, port) VALUES ('x', 'tcp', 'h', 1)")]
    [InlineData("UPDATE targets SET name = 'renamed'")]
    [InlineData("DELETE FROM state_changes")]
    [InlineData("INSERT INTO check_results VALUES (1, now(), 'L4OK', true, 1, NULL, NULL)")]
    [InlineData("TRUNCATE check_results")]
    [InlineData("UPDATE monitor_runs SET stopped_at = now()")]
    [InlineData("CREATE TABLE mine (id int)")]
    [InlineData("CREATE TEMPORARY TABLE mine (id int)")]
    [InlineData("CREATE VIEW mine AS SELECT 1")]
    [InlineData("CREATE SCHEMA mine")]
    [InlineData("CREATE FUNCTION mine() RETURNS int LANGUAGE sql AS 'SELECT 1'")]
    [InlineData("SELECT hc_ensure_partitions(30)")]
    [InlineData("SELECT hc_drop_partitions_before(now())")]
    [InlineData("SELECT hc_refresh_rollups()")]
    [InlineData("SELECT hc_pack_results()")]
    [InlineData("SELECT hc_grant_reader()")]
    public async Task Hc_reader_can_write_or_create_nothing(string sql)
    {
        var admin = await TestDatabase.CreateEmptyAsync();
        await using var db = NpgsqlDataSource.Create(admin);
        await MigrationRunner.ApplyAsync(db, MigrationRunner.DefaultDirectory, TestLog.Silent);
        await HistoryRows.AddTargetAsync(db, "web");
        await using var login = await ReaderLogin.CreateAsync(admin);

        await using var conn = new NpgsqlConnection(login.ConnectionString);
        await conn.OpenAsync();
        var error = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync(sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        // CREATE/DROP DATABASE wait for a checkpoint, which a machine busy writing can take long to finish.
        await conn.ExecuteAsync(sql, commandTimeout: 300);
    }
}
