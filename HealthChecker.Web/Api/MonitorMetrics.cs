using HealthChecker.Core.Faults;
using HealthChecker.Core.Health;
using HealthChecker.Web.Monitoring;
using Prometheus;

namespace HealthChecker.Web.Api;

/// <summary>
/// <c>/metrics</c> in Prometheus text format, with blackbox_exporter's names per target: <c>probe_success</c> and
/// <c>probe_duration_seconds</c> of the last check (absent while paused or before the first check), and
/// <c>healthchecker_state</c>: 1 UP, 0 DOWN, 2 MAINT (paused), -1 UNKNOWN. Labels <c>target</c> (<c>group/name</c>)
/// and <c>group</c>. Per-target values are read from the engine's snapshot when scraped, never updated by the
/// check loops; a deleted target's series go with it. Its own registry: nothing else registers here by accident.
/// </summary>
public sealed class MonitorMetrics
{
    private static readonly string[] Labels = ["target", "group"];

    private readonly MonitorService _monitor;
    private readonly IMonitorView _view;
    private readonly Lock _lock = new();
    private readonly Gauge _success;
    private readonly Gauge _duration;
    private readonly Gauge _state;
    private readonly Counter _checks;
    private readonly Counter _dropped;
    private readonly Counter _droppedChanges;
    private readonly Counter _written;
    private readonly Counter _fenced;
    private readonly Counter _fencedChanges;
    private readonly Gauge _fencedOut;
    private readonly Gauge _buffered;
    private readonly Gauge _running;
    private readonly Gauge _suspended;
    private readonly Gauge _unreachable;
    private readonly Counter _faults;
    private readonly FaultLog _faultLog;
    private HashSet<(string Target, string Group)> _probed = [];
    private HashSet<(string Target, string Group)> _stated = [];

    public MonitorMetrics(MonitorService monitor, IMonitorView view, FaultLog faults)
    {
        _faultLog = faults;
        _monitor = monitor;
        _view = view;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _success = factory.CreateGauge("probe_success", "Whether the target's last check passed (1) or failed (0).", Labels);
        _duration = factory.CreateGauge("probe_duration_seconds", "How long the target's last check took, in seconds.", Labels);
        _state = factory.CreateGauge("healthchecker_state", "The target's health: 1 UP, 0 DOWN, 2 MAINT (paused), -1 UNKNOWN.", Labels);
        _checks = factory.CreateCounter("healthchecker_checks_total", "Checks completed since the app started.");
        _written = factory.CreateCounter("healthchecker_results_written_total", "Check results stored in PostgreSQL since the app started.");
        _dropped = factory.CreateCounter("healthchecker_results_dropped_total", "Check results dropped because the buffer overflowed while PostgreSQL was unreachable.");
        _droppedChanges = factory.CreateCounter("healthchecker_state_changes_dropped_total", "State changes dropped because their buffer overflowed while PostgreSQL was unreachable.");
        _fenced = factory.CreateCounter("healthchecker_results_fenced_total", "Check results not stored because this node was fenced out of its cluster.");
        _fencedChanges = factory.CreateCounter("healthchecker_state_changes_fenced_total", "State changes not stored because this node was fenced out of its cluster.");
        _fencedOut = factory.CreateGauge("healthchecker_fenced_out", "1 once a write of this node was refused because it is no longer an Active member of its cluster; it stopped checking.");
        _buffered = factory.CreateGauge("healthchecker_results_buffered", "Check results waiting in memory to be written.");
        _running = factory.CreateGauge("healthchecker_engine_running", "1 while the check engine runs.");
        _suspended = factory.CreateGauge("healthchecker_checks_suspended", "1 while this node checks nothing because it reached neither PostgreSQL nor any other node of its cluster.");
        _unreachable = factory.CreateGauge("healthchecker_database_unreachable", "1 while the result writer cannot reach PostgreSQL.");
        _faults = factory.CreateCounter("healthchecker_faults_total", "Failures the app survived since it started, by kind: check_handler, unreadable_target, page_task.", "kind");
        foreach (var kind in FaultLog.All)
        {
            // Every kind from the start at 0, so that a rate or an alert sees the first one.
            _faults.WithLabels(FaultLog.Label(kind));
        }

        DotNetStats.Register(Registry);
        Registry.AddBeforeCollectCallback(Collect);
    }

    public CollectorRegistry Registry { get; }

    /// <summary>The encoding of <c>healthchecker_state</c>.</summary>
    public static double StateValue(TargetState state) => state switch
    {
        TargetState.Up => 1,
        TargetState.Down => 0,
        TargetState.Maint => 2,
        _ => -1,
    };

    private void Collect()
    {
        // Two scrapes at once would otherwise race on the series sets.
        lock (_lock)
        {
            var stats = _monitor.Statistics();
            _checks.IncTo(stats.Counts.Checks);
            _written.IncTo(stats.ResultsWritten);
            _dropped.IncTo(stats.ResultsDropped);
            _droppedChanges.IncTo(stats.StateChangesDropped);
            _fenced.IncTo(stats.ResultsFenced);
            _fencedChanges.IncTo(stats.StateChangesFenced);
            _fencedOut.Set(stats.FencedOut ? 1 : 0);
            _buffered.Set(stats.ResultsBuffered);
            _running.Set(stats.EngineRunning ? 1 : 0);
            _suspended.Set(stats.ChecksSuspended ? 1 : 0);
            _unreachable.Set(stats.DatabaseUnreachable ? 1 : 0);
            foreach (var kind in FaultLog.All)
            {
                _faults.WithLabels(FaultLog.Label(kind)).IncTo(_faultLog.Count(kind));
            }

            var probed = new HashSet<(string, string)>();
            var stated = new HashSet<(string, string)>();
            foreach (var target in _view.Snapshot())
            {
                var key = (target.Target, target.Definition.Group);
                stated.Add(key);
                _state.WithLabels(key.Target, key.Group).Set(StateValue(target.State));
                if (target.State != TargetState.Maint && target.LastResult is { } last)
                {
                    probed.Add(key);
                    _success.WithLabels(key.Target, key.Group).Set(last.Passed ? 1 : 0);
                    _duration.WithLabels(key.Target, key.Group).Set(last.DurationMs / 1000.0);
                }
            }

            foreach (var (target, group) in _probed.Where(k => !probed.Contains(k)))
            {
                _success.RemoveLabelled(target, group);
                _duration.RemoveLabelled(target, group);
            }

            foreach (var (target, group) in _stated.Where(k => !stated.Contains(k)))
            {
                _state.RemoveLabelled(target, group);
            }

            (_probed, _stated) = (probed, stated);
        }
    }
}
