using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using Npgsql;

namespace HealthChecker.Tests.Store;

public class MigrationRunnerTests
{
    private static readonly string Shipped = MigrationRunner.DefaultDirectory;

    [Fact]
    public async Task The_sql_files_ship_beside_the_binaries()
    {
        var files = MigrationRunner.ListMigrations(Shipped).Select(f => Path.GetFileName(f)).ToList();
        Assert.Contains("0001_init.sql", files);
        Assert.Equal(files.Order(StringComparer.Ordinal), files);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Applying_twice_is_a_no_op_and_each_file_is_recorded_once()
    {
        await using var db = NpgsqlDataSource.Create(await TestDatabase.CreateEmptyAsync());
        var expected = MigrationRunner.ListMigrations(Shipped).Select(f => Path.GetFileName(f)).ToList();

        var first = await MigrationRunner.ApplyAsync(db, Shipped, TestLog.Silent);
        var second = await MigrationRunner.ApplyAsync(db, Shipped, TestLog.Silent);

        Assert.Equal(expected, first);
        Assert.Empty(second);
        Assert.Equal(expected, await RecordedAsync(db));
        Assert.Equal(3L, await ScalarAsync<long>(db,
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('targets', 'check_results', 'state_changes')"));
    }

    [Fact]
    public async Task Instances_starting_at_once_apply_each_migration_exactly_once()
    {
        var connectionString = await TestDatabase.CreateEmptyAsync();
        var expected = MigrationRunner.ListMigrations(Shipped).Select(f => Path.GetFileName(f)).ToList();

        // Each "instance" has its own data source and connection, as separate app processes would.
        var sources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        try
        {
            using var go = new ManualResetEventSlim();
            var runs = sources.Select(s => Task.Run(async () =>
            {
                go.Wait();
                return await MigrationRunner.ApplyAsync(s, Shipped, TestLog.Silent);
            })).ToList();
            go.Set();
            var applied = await Task.WhenAll(runs);

            Assert.Equal(expected, applied.SelectMany(a => a).Order(StringComparer.Ordinal).ToList());
            Assert.Single(applied, a => a.Count > 0);
            Assert.Equal(expected, await RecordedAsync(sources[0]));
        }
        finally
        {
            foreach (var s in sources)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_failing_migration_applies_nothing_and_names_the_file()
    {
        var folder = TempFolder.Create("hc-migrations");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "0001_good.sql"), "CREATE TABLE good (id int);");
            await File.WriteAllTextAsync(Path.Combine(folder, "0002_bad.sql"), "CREATE TABLE bad (id int); SELECT no_such_column FROM good;");
            await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not a migration");
            await using var db = NpgsqlDataSource.Create(await TestDatabase.CreateEmptyAsync());

            var error = await Assert.ThrowsAsync<DatabaseStartupException>(() => MigrationRunner.ApplyAsync(db, folder, TestLog.Silent));

            Assert.Contains("0002_bad.sql", error.Message, StringComparison.Ordinal);
            Assert.Contains("no_such_column", error.Message, StringComparison.Ordinal);
            Assert.Equal(0L, await ScalarAsync<long>(db,
                "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('good', 'bad', 'schema_migrations')"));
        }
        finally
        {
            TempFolder.Delete(folder);
        }
    }

    [Fact]
    public async Task Only_new_files_are_applied_in_name_order()
    {
        var folder = TempFolder.Create("hc-migrations");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "0001_a.sql"), "CREATE TABLE steps (n int); INSERT INTO steps VALUES (1);");
            await using var db = NpgsqlDataSource.Create(await TestDatabase.CreateEmptyAsync());
            await MigrationRunner.ApplyAsync(db, folder, TestLog.Silent);

            await File.WriteAllTextAsync(Path.Combine(folder, "0010_c.sql"), "INSERT INTO steps VALUES (10);");
            await File.WriteAllTextAsync(Path.Combine(folder, "0002_b.sql"), "INSERT INTO steps VALUES (2);");
            var applied = await MigrationRunner.ApplyAsync(db, folder, TestLog.Silent);

            Assert.Equal(["0002_b.sql", "0010_c.sql"], applied);
            Assert.Equal("1,2,10", await ScalarAsync<string>(db, "SELECT string_agg(n::text, ',' ORDER BY ctid) FROM steps"));
        }
        finally
        {
            TempFolder.Delete(folder);
        }
    }

    private static async Task<List<string>> RecordedAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT file_name FROM schema_migrations ORDER BY file_name");
        await using var reader = await cmd.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
