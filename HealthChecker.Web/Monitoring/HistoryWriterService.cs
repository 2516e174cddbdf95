using HealthChecker.Core.Store;
using HealthChecker.Web.Hosting;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// The part of the app that writes history, started after the database and before the engine: opens this run in
/// <c>monitor_runs</c>, makes the partitions the first results need, and starts the result writer. Stopped after the engine,
/// so it writes every buffered result before the run is closed and the database after it.
/// </summary>
public sealed class HistoryWriterService(DatabaseService database, MonitorService monitor, Serilog.ILogger log) : AppPart
{
    private readonly Serilog.ILogger _log = log.ForContext<HistoryWriterService>();
    private MonitorHeartbeat? _heartbeat;
    private ResultWriter? _writer;

    /// <summary>This run's row in <c>monitor_runs</c>, beaten by the maintenance jobs; set once started.</summary>
    internal MonitorHeartbeat Heartbeat => _heartbeat ?? throw new InvalidOperationException("The history writer has not started.");

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var dataSource = database.Database.DataSource;
        var options = monitor.Options;
        _heartbeat = new MonitorHeartbeat(dataSource, TimeSpan.FromSeconds(Math.Max(1, options.HeartbeatSeconds)));
        await _heartbeat.StartAsync(cancellationToken);
        // Before the first result: rows no daily partition covers would land in the default one.
        await new HistoryMaintenance(dataSource, _log).EnsurePartitionsAsync(ct: cancellationToken);

        var fence = monitor.Fence;
        _writer = new ResultWriter(dataSource, _log, new ResultWriterOptions { Capacity = Math.Max(1, options.ResultBuffer), Fence = fence });
        _writer.FencedOut += _ => monitor.ReportFencedOut();
        _writer.Start();
        if (fence is not null)
        {
            _log.Information("Results and state changes are written while this node ({Member}) is an Active member of its cluster", fence);
        }
        monitor.WritesTo(_writer);
    }

    protected override async Task StopPartAsync()
    {
        if (_writer is not null)
        {
            // Writes what is buffered; gives up after ResultWriterOptions.ShutdownTimeout if PostgreSQL is away (and says what was lost).
            await _writer.DisposeAsync();
            _log.Information("Check engine stopped after {Checks} checks: {Written} results written, {Skipped} of deleted targets skipped, {Dropped} dropped, {Fenced} fenced out",
                monitor.Scheduler?.ChecksCompleted ?? 0, _writer.Written, _writer.Skipped, _writer.Dropped, _writer.FencedResults);
        }

        if (_heartbeat?.RunId is not null)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _heartbeat.StopAsync(timeout.Token);
            }
            catch (Exception e)
            {
                _log.Warning("Could not record the end of this run in monitor_runs: {Reason}", e.Message);
            }
        }
    }
}
