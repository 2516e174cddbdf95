using HealthChecker.Web.Alerting;
using HealthChecker.Web.Auth;
using HealthChecker.Web.Cluster;
using HealthChecker.Web.Monitoring;

namespace HealthChecker.Web.Hosting;

/// <summary>
/// The app's parts as one hosted service: started in the order of <see cref="InStartOrder"/> (the database first, the
/// engine after everything it writes to), stopped in reverse. Each part is also told when the whole host has started,
/// in the same order (the engine begins its checks and maintenance only then, once the web server answers).
/// </summary>
public sealed class AppParts(IReadOnlyList<IHostedService> parts) : IHostedLifecycleService
{
    /// <summary>The order a reader should know: what each part needs is started before it.</summary>
    public static AppParts InStartOrder(IServiceProvider services) => new(
    [
        // Opens the database (or the embedded cluster); a bad connection string fails the start here.
        services.GetRequiredService<DatabaseService>(),
        // Reads or generates the admin password, stored in the database.
        services.GetRequiredService<AdminCredentials>(),
        // A setting that cannot work stops the start with one line, before the web server builds its pipeline.
        new StartupCheck(() => services.GetRequiredService<CrossSiteRule>()),
        new StartupCheck(() => services.GetRequiredService<ClusterSettings>().ThrowIfUnusable()),
        // Begins joining the cluster (membership table in the database): Active once the engine is ready, so it owns nothing
        // before; left after the engine and the result writer stopped.
        services.GetRequiredService<ClusterNodeService>(),
        services.GetRequiredService<StateChangeFollower>(),
        // The channels and rules in force, followed from then on; alerting reads them from the engine's first state change.
        services.GetRequiredService<StoredAlertSettings>(),
        // Opens this run and starts the result writer; stopped after the engine, so it writes every result the engine gave.
        services.GetRequiredService<HistoryWriterService>(),
        // The check engine, recording into the history writer; checks begin once the host started.
        services.GetRequiredService<CheckEngineService>(),
        // Alerts: reads back what was told, resumes queued messages, and follows the engine's state changes.
        services.GetRequiredService<AlertingService>(),
        // The periodic database jobs (heartbeat, partitions, retention, rollups); they begin once the host started.
        services.GetRequiredService<MaintenanceService>(),
        // Returns the memory of deleted targets; reads the engine.
        services.GetRequiredService<HeapTrim>(),
    ]);

    public IReadOnlyList<IHostedService> Parts => parts;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var part in parts)
        {
            await part.StartAsync(cancellationToken);
        }
    }

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var part in parts.OfType<IHostedLifecycleService>())
        {
            await part.StartedAsync(cancellationToken);
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Every part is stopped, last started first, even when one of them fails to stop.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var failures = new List<Exception>();
        for (var i = parts.Count - 1; i >= 0; i--)
        {
            try
            {
                await parts[i].StopAsync(cancellationToken);
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("Some parts of the app did not stop cleanly", failures);
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
