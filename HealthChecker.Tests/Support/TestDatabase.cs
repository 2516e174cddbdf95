using HealthChecker.Core.Store;
using Npgsql;

namespace HealthChecker.Tests.Support;

/// <summary>
/// One PostgreSQL server for the whole test run: <c>HC_TEST_DATABASE</c> when set (a connection string
/// allowed to create databases), else an embedded cluster in a temporary folder, started by the
/// product's own code and stopped when the test process exits. Each test takes a fresh database.
/// </summary>
internal static class TestDatabase
{
    private static readonly Lazy<Task<string>> AdminConnectionString = new(StartAsync);
    private static LocalCluster? _cluster;
    private static int _counter;

    /// <summary>A new, empty database; returns its connection string.</summary>
    public static async Task<string> CreateEmptyAsync()
    {
        var admin = await AdminConnectionString.Value;
        var name = $"hc_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString;
    }

    /// <summary>A new database with every migration applied; returns a data source on it.</summary>
    public static async Task<NpgsqlDataSource> CreateMigratedAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await CreateEmptyAsync());
        await MigrationRunner.ApplyAsync(dataSource, MigrationRunner.DefaultDirectory, TestLog.Silent);
        return dataSource;
    }

    private static async Task<string> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable("HC_TEST_DATABASE");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        TempFolder.DeleteLeftovers("hc-testdb");
        var folder = TempFolder.Create("hc-testdb");
        _cluster = await LocalCluster.StartAsync(folder, TestLog.Silent);
        // The test host may end this process soon after the handler starts: signal, don't wait.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => _cluster.SignalStop();
        return _cluster.BuildConnectionString("postgres");
    }
}
