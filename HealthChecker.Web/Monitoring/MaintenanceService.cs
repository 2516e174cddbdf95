using HealthChecker.Core.Store;
using HealthChecker.Web.Hosting;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// The periodic database jobs (<see cref="MaintenanceJobs"/>), last of the monitor's parts: they begin once the whole host
/// started and the engine runs, and end first at the stop.
/// </summary>
public sealed class MaintenanceService(DatabaseService database, MonitorService monitor, HistoryWriterService history, Serilog.ILogger log)
    : IHostedLifecycleService, IAsyncDisposable
{
    private readonly Serilog.ILogger _log = log.ForContext<MaintenanceService>();
    private MaintenanceJobs? _jobs;
    private int _stopped;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var maintenance = new HistoryMaintenance(database.Database.DataSource, _log);
        _jobs = new MaintenanceJobs(history.Heartbeat, maintenance, TimeSpan.FromDays(Math.Max(1, monitor.Options.RetentionDays)), _log);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _jobs!.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => StopCoreAsync();

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Also reached through the container's disposal when a later part failed to start.
    public async ValueTask DisposeAsync() => await StopCoreAsync();

    private async Task StopCoreAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1 || _jobs is null)
        {
            return;
        }

        await _jobs.StopAsync();
    }
}
