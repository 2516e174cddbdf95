using HealthChecker.Core.Faults;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Web.Hosting;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// Runs the check engine inside the web app, after <see cref="DatabaseService"/> opened the database:
/// seeds the examples at the first start, schedules every stored target, applies target changes as they
/// are committed, and writes results and state changes to PostgreSQL. Stopping ends the checks first,
/// then writes what is buffered, then closes the run's heartbeat; the database closes after that.
/// </summary>
public sealed class MonitorService(DatabaseService database, TargetChangeFeed feed, IServiceProvider services, IConfiguration configuration, Serilog.ILogger log)
    : IHostedLifecycleService, IAsyncDisposable
{
    private readonly Serilog.ILogger _log = log.ForContext<MonitorService>();
    private readonly MonitorOptions _options = configuration.GetSection(MonitorOptions.Section).Get<MonitorOptions>() ?? new MonitorOptions();
    private readonly FaultLog _faults = services.GetService<FaultLog>() ?? new FaultLog(log);
    private TargetScheduler? _scheduler;
    private ResultWriter? _writer;
    private MonitorHeartbeat? _heartbeat;
    private MaintenanceJobs? _jobs;
    private TargetSync? _sync;
    private volatile bool _running;
    private long _version;
    private int _stopped;

    public MonitorOptions Options => _options;

    /// <summary>True once every stored target is scheduled; false before and from the start of the stop.</summary>
    public bool Running => _running;

    /// <summary>Moves on every result, state change and applied target change.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The engine, once started (kept after the stop, with its last snapshots).</summary>
    internal TargetScheduler? Scheduler => Volatile.Read(ref _scheduler);

    internal ResultWriter? Writer => Volatile.Read(ref _writer);

    /// <summary>The scheduled name of a stored target.</summary>
    internal string? NameOf(long id) => _sync?.NameOf(id);

    /// <summary>Counters for <c>/api/status</c> and <c>/metrics</c>.</summary>
    public MonitorStatistics Statistics()
    {
        var scheduler = Scheduler;
        var writer = Writer;
        return new MonitorStatistics(
            Running,
            scheduler?.Counts() ?? default,
            writer?.Buffered ?? 0,
            writer?.Written ?? 0,
            writer?.Dropped ?? 0,
            writer?.Skipped ?? 0,
            writer?.WrittenStateChanges ?? 0,
            writer?.DroppedStateChanges ?? 0,
            writer?.DatabaseUnreachable ?? false);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var db = database.Database;
        var dataSource = db.DataSource;
        var store = services.GetRequiredService<TargetStore>();
        var history = new HistoryMaintenance(dataSource, _log);

        _heartbeat = new MonitorHeartbeat(dataSource, TimeSpan.FromSeconds(Math.Max(1, _options.HeartbeatSeconds)));
        await _heartbeat.StartAsync(cancellationToken);
        // Before the first result: rows no daily partition covers would land in the default one.
        await history.EnsurePartitionsAsync(ct: cancellationToken);

        _writer = new ResultWriter(dataSource, _log, new ResultWriterOptions { Capacity = Math.Max(1, _options.ResultBuffer) });
        _writer.Start();
        _scheduler = new TargetScheduler(new SchedulerOptions
        {
            Loops = _options.Loops is > 0 and var loops ? loops : Environment.ProcessorCount,
            MaxInFlight = Math.Max(1, _options.MaxInFlight),
            Log = _log.ForContext<TargetScheduler>(),
            Faults = _faults,
        });
        var recorder = new HistoryRecorder(_writer, Touch);
        _scheduler.CheckCompleted += recorder.OnCheckCompleted;
        _scheduler.StateChanged += recorder.OnStateChanged;

        if (_options.SeedExamples)
        {
            var examples = ExampleTargets.For(dataSource.ConnectionString, db.Cluster?.Port, configuration[WebHostDefaults.ServerUrlsKey]);
            var seeded = await store.SeedOnceAsync(ExampleTargets.SettingKey, examples, cancellationToken);
            if (seeded.Count > 0)
            {
                _log.Information("First start with no targets: added the examples {Targets}; delete them at will, they do not come back",
                    seeded.Select(t => t.FullName).ToList());
            }
        }

        _sync = new TargetSync(store, dataSource, feed, _scheduler, recorder, Touch, _log, services.GetService<TargetRules>(), _faults,
            services.GetService<UnreadableTargets>());
        _jobs = new MaintenanceJobs(_heartbeat, history, TimeSpan.FromDays(Math.Max(1, _options.RetentionDays)), _log);
    }

    /// <summary>
    /// Checks begin once every hosted service started, the web server included: the app's own /healthz
    /// (an example target) answers from its first check instead of starting DOWN at every start.
    /// </summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        // Running before the first check: the app's own /healthz (an example target) must not see a
        // stopped engine in the checks this start begins.
        _running = true;
        try
        {
            await _sync!.StartAsync(cancellationToken);
        }
        catch
        {
            _running = false;
            throw;
        }

        _jobs!.Start();
        Touch();
    }

    public Task StopAsync(CancellationToken cancellationToken) => StopCoreAsync();

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync() => await StopCoreAsync();

    private void Touch() => Interlocked.Increment(ref _version);

    private async Task StopCoreAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        _running = false;
        Touch();
        if (_jobs is not null)
        {
            await _jobs.StopAsync();
        }

        if (_sync is not null)
        {
            await _sync.DisposeAsync();
        }

        // Joins the loop threads: no result comes after this.
        _scheduler?.Dispose();
        if (_writer is not null)
        {
            // Writes what is buffered; gives up after ResultWriterOptions.ShutdownTimeout if PostgreSQL is away (and says what was lost).
            await _writer.DisposeAsync();
            _log.Information("Check engine stopped after {Checks} checks: {Written} results written, {Skipped} of deleted targets skipped, {Dropped} dropped",
                _scheduler?.ChecksCompleted ?? 0, _writer.Written, _writer.Skipped, _writer.Dropped);
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

/// <summary>The engine's and the result writer's counters at one moment.</summary>
public sealed record MonitorStatistics(
    bool EngineRunning,
    SchedulerCounts Counts,
    int ResultsBuffered,
    long ResultsWritten,
    long ResultsDropped,
    long ResultsSkipped,
    long StateChangesWritten,
    long StateChangesDropped,
    bool DatabaseUnreachable);
