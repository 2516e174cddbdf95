using HealthChecker.Core.Faults;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Web.Hosting;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// The check engine inside the web app, started after the history writer it records into: seeds the examples at the first
/// start, and once the whole host started schedules every stored target and applies target changes as they are committed.
/// Stopping ends the checks (joining the loop threads) before the history writer writes what is buffered.
/// </summary>
public sealed class CheckEngineService(
    DatabaseService database, MonitorService monitor, TargetChangeFeed feed, IServiceProvider services,
    IConfiguration configuration, Serilog.ILogger log) : AppPart
{
    private readonly Serilog.ILogger _log = log.ForContext<CheckEngineService>();
    private TargetScheduler? _scheduler;
    private TargetSync? _sync;
    private volatile bool _halt;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var db = database.Database;
        var dataSource = db.DataSource;
        var store = services.GetRequiredService<TargetStore>();
        var options = monitor.Options;
        var faults = services.GetService<FaultLog>() ?? new FaultLog(log);
        var writer = monitor.Writer ?? throw new InvalidOperationException($"The engine starts after the {nameof(HistoryWriterService)}.");

        _scheduler = new TargetScheduler(new SchedulerOptions
        {
            Loops = options.Loops is > 0 and var loops ? loops : Environment.ProcessorCount,
            MaxInFlight = Math.Max(1, options.MaxInFlight),
            Log = _log.ForContext<TargetScheduler>(),
            Faults = faults,
        });
        // What this node checks: every shard on its own, its share in a cluster; the recorder and the writer keep only its rows.
        var owned = new OwnedShards();
        writer.KeepOnly(owned.Holds);
        var recorder = new HistoryRecorder(writer, monitor.Touch, owned);
        _scheduler.CheckCompleted += recorder.OnCheckCompleted;
        _scheduler.StateChanged += recorder.OnStateChanged;

        if (options.SeedExamples)
        {
            var examples = ExampleTargets.For(dataSource.ConnectionString, db.Cluster?.Port, configuration[WebHostDefaults.ServerUrlsKey]);
            var seeded = await store.SeedOnceAsync(ExampleTargets.SettingKey, examples, cancellationToken);
            if (seeded.Count > 0)
            {
                _log.Information("First start with no targets: added the examples {Targets}; delete them at will, they do not come back",
                    seeded.Select(t => t.FullName).ToList());
            }
        }

        _sync = new TargetSync(store, dataSource, feed, _scheduler, recorder, monitor.Touch, _log, services.GetService<TargetRules>(), faults,
            services.GetService<UnreadableTargets>(), services.GetService<IShardOwnership>(), owned);
        // A target handed over by a live node is added only once that node dropped it (or did not say so in time).
        _sync.AwaitsRelease((owners, version, ct) => monitor.AwaitRelease?.Invoke(owners, version, ct) ?? Task.CompletedTask);
        monitor.Checks(_scheduler, _sync);
        monitor.NodeFencedOut += Halt;
        if (_halt)
        {
            // Told to halt before the engine existed.
            Halt();
        }
    }

    /// <summary>
    /// Stops checking at once and for good (this node is no longer a member that may check): no check starts, results in
    /// flight are dropped, the engine reports itself stopped. Called when a write was fenced out, and by the cluster part
    /// when its silo learns it was declared dead.
    /// </summary>
    public void Halt()
    {
        _halt = true;
        if (_scheduler is not { Halted: false } scheduler)
        {
            return;
        }

        scheduler.Halt();
        monitor.SetRunning(false);
        _log.Error("Stopped checking: this node is no longer an Active member of its cluster, another node checks its targets");
    }

    /// <summary>Stops checking until <see cref="EndSuspensionAsync"/> (this node is cut from the database and every other node): see IsolationGuard.</summary>
    public void Suspend()
    {
        if (_scheduler is { Halted: false, Suspended: false } scheduler)
        {
            scheduler.Suspend();
        }

        monitor.SetSuspended(true);
    }

    /// <summary>Checks again after <see cref="Suspend"/>, each target from its due time; nothing once halted.</summary>
    public async Task EndSuspensionAsync()
    {
        if (_scheduler is { Halted: false, Suspended: true } scheduler)
        {
            await scheduler.EndSuspensionAsync();
        }

        monitor.SetSuspended(false);
    }

    /// <summary>
    /// Checks begin once every hosted service started, the web server included: the app's own /healthz
    /// (an example target) answers from its first check instead of starting DOWN at every start.
    /// </summary>
    public override async Task StartedAsync(CancellationToken cancellationToken)
    {
        // Running before the first check: the app's own /healthz (an example target) must not see a
        // stopped engine in the checks this start begins.
        monitor.SetRunning(true);
        try
        {
            await _sync!.StartAsync(cancellationToken);
        }
        catch
        {
            monitor.SetRunning(false);
            throw;
        }

        if (_scheduler!.Halted)
        {
            // Fenced out while the targets were loading: the halt's "not running" stands.
            monitor.SetRunning(false);
        }

        monitor.EngineLoaded();
        monitor.Touch();
    }

    protected override async Task StopPartAsync()
    {
        monitor.NodeFencedOut -= Halt;
        monitor.SetRunning(false);
        if (_sync is not null)
        {
            await _sync.DisposeAsync();
        }

        // Joins the loop threads: no result comes after this.
        _scheduler?.Dispose();
    }
}
