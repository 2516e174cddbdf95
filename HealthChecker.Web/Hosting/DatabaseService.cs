using HealthChecker.Core.Store;

namespace HealthChecker.Web.Hosting;

/// <summary>
/// Opens the database (the embedded cluster by default) when the host starts, so a bad
/// connection string fails the start, and closes it (stopping the cluster) when the host stops.
/// </summary>
public sealed class DatabaseService(IConfiguration configuration, Serilog.ILogger log) : IHostedService, IAsyncDisposable
{
    private HealthCheckerDatabase? _database;

    public HealthCheckerDatabase Database =>
        Volatile.Read(ref _database) ?? throw new InvalidOperationException("The database is not open: the host has not started or has stopped.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connectionString = configuration.GetConnectionString(ConfigurationExtensions.ConnectionStringName);
        var dataRoot = Path.GetFullPath(configuration[ConfigurationExtensions.DataDirectoryKey] ?? ConfigurationExtensions.DefaultDataDirectory);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            log.Information("No connection string configured: using the embedded PostgreSQL under {DataRoot}", dataRoot);
        }

        _database = await HealthCheckerDatabase.OpenAsync(connectionString, dataRoot, log.ForContext<DatabaseService>(), cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    // Also reached through the container's disposal when the start failed after the database opened.
    public async ValueTask DisposeAsync()
    {
        var database = Interlocked.Exchange(ref _database, null);
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
