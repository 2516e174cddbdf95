using HealthChecker.Core.Store;
using HealthChecker.Web.Hosting;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// The periodic database jobs (<see cref="MaintenanceJobs"/>), last of the monitor's parts: they begin once the whole host
/// started and the engine runs, and end first at the stop.
/// </summary>
public sealed class MaintenanceService(DatabaseService database, MonitorService monitor, HistoryWriterService history, Serilog.ILogger log) : AppPart
{
    private readonly Serilog.ILogger _log = log.ForContext<MaintenanceService>();
    private MaintenanceJobs? _jobs;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var maintenance = new HistoryMaintenance(database.Database.DataSource, _log);
        _jobs = new MaintenanceJobs(history.Heartbeat, maintenance, TimeSpan.FromDays(Math.Max(1, monitor.Options.RetentionDays)), _log);
        return Task.CompletedTask;
    }

    public override Task StartedAsync(CancellationToken cancellationToken)
    {
        _jobs!.Start();
        return Task.CompletedTask;
    }

    protected override Task StopPartAsync() => _jobs?.StopAsync() ?? Task.CompletedTask;
}
