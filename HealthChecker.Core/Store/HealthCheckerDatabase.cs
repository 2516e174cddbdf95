using System.Net.Sockets;
using Npgsql;
using Serilog;

namespace HealthChecker.Core.Store;

/// <summary>
/// The database the app runs on, made ready: the configured server or the embedded cluster,
/// reachable and migrated.
/// </summary>
public sealed class HealthCheckerDatabase : IAsyncDisposable
{
    private HealthCheckerDatabase(NpgsqlDataSource dataSource, LocalCluster? cluster)
    {
        DataSource = dataSource;
        Cluster = cluster;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The embedded cluster, or null when an external server is configured.</summary>
    public LocalCluster? Cluster { get; }

    /// <summary>
    /// With no <paramref name="connectionString"/>, starts (or reuses) the embedded cluster under
    /// <paramref name="dataRoot"/>; then checks the server answers and applies the migrations.
    /// Failures surface as <see cref="DatabaseStartupException"/> with one readable line.
    /// </summary>
    public static async Task<HealthCheckerDatabase> OpenAsync(string? connectionString, string dataRoot, ILogger log,
        CancellationToken ct = default, string? migrationsDirectory = null)
    {
        LocalCluster? cluster = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            cluster = await LocalCluster.StartAsync(dataRoot, log, ct).ConfigureAwait(false);
            connectionString = cluster.ConnectionString;
        }

        NpgsqlDataSource? dataSource = null;
        try
        {
            dataSource = Build(connectionString);
            await ProbeAsync(dataSource, ct).ConfigureAwait(false);
            await MigrationRunner.ApplyAsync(dataSource, migrationsDirectory ?? MigrationRunner.DefaultDirectory, log, ct).ConfigureAwait(false);
            return new HealthCheckerDatabase(dataSource, cluster);
        }
        catch
        {
            if (dataSource is not null)
            {
                await dataSource.DisposeAsync().ConfigureAwait(false);
            }

            if (cluster is not null)
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static NpgsqlDataSource Build(string connectionString)
    {
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new DatabaseStartupException($"The database connection string is not valid: {e.Message}", e);
        }

        parsed.ApplicationName ??= "healthchecker";
        return new NpgsqlDataSourceBuilder(parsed.ConnectionString).Build();
    }

    private static async Task ProbeAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var where = Describe(dataSource.ConnectionString);
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            throw new DatabaseStartupException($"PostgreSQL at {where} refused the connection: {e.MessageText}", e);
        }
        catch (NpgsqlException e)
        {
            var reason = e.InnerException switch
            {
                SocketException s => s.Message,
                TimeoutException => "timed out",
                { } inner => inner.Message,
                null => e.Message,
            };
            throw new DatabaseStartupException($"Cannot connect to PostgreSQL at {where}: {reason}", e);
        }
    }

    private static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Host}:{b.Port} (database {b.Database ?? b.Username}, user {b.Username})";
    }
}
