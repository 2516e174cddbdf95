namespace HealthChecker.Web.Monitoring;

/// <summary>
/// Gives the memory of deleted targets back to the system. Their snapshots, definitions and results have lived long
/// enough to sit in the oldest generation, which an idle app may not collect for hours; once many targets are gone
/// (<see cref="HeapTrimPolicy"/>) one aggressive collection compacts the heap and returns its free pages.
/// </summary>
public sealed class HeapTrim(MonitorService monitor, Serilog.ILogger log) : IHostedService, IDisposable
{
    public static readonly TimeSpan Pace = TimeSpan.FromSeconds(1);

    private readonly Serilog.ILogger _log = log.ForContext<HeapTrim>();
    private readonly HeapTrimPolicy _policy = new();
    private Timer? _timer;
    private int _busy;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new Timer(_ => Look(), null, Pace, Pace);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.Infinite, Timeout.Infinite);
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private void Look()
    {
        // A collection that outlasts the pace makes the next tick skip, not queue behind it.
        if (monitor.Scheduler is not { } scheduler || Interlocked.Exchange(ref _busy, 1) == 1)
        {
            return;
        }

        try
        {
            if (_policy.ShouldTrim(scheduler.Count))
            {
                var before = GC.GetTotalMemory(forceFullCollection: false);
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                _log.Information("Targets removed ({Scheduled} scheduled now): the heap went from {Before} MB to {After} MB and its free memory was returned",
                    scheduler.Count, before >> 20, GC.GetTotalMemory(forceFullCollection: false) >> 20);
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }
}
