using HealthChecker.Core.Scheduling;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// <see cref="IMonitorView"/> over the hosted engine. <see cref="Changed"/> comes from a timer on the thread
/// pool that looks at <see cref="Version"/> every <see cref="Tick"/>: at most four events a second however many
/// checks complete, never on a loop thread, and a slow page handler delays only the next tick.
/// </summary>
public sealed class MonitorView : IMonitorView, IDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    private readonly MonitorService _monitor;
    private readonly Serilog.ILogger _log;
    private readonly Timer _timer;
    private long _raised;
    private int _raising;
    private Ordered? _ordered;

    public MonitorView(MonitorService monitor, Serilog.ILogger log)
    {
        _monitor = monitor;
        _log = log.ForContext<MonitorView>();
        _raised = monitor.Version;
        _timer = new Timer(_ => RaiseIfMoved(), null, Tick, Tick);
    }

    public bool Running => _monitor.Running;

    public long Version => _monitor.Version;

    public long DroppedResults => _monitor.Writer is { } writer ? writer.Dropped + writer.DroppedStateChanges : 0;

    public bool DatabaseUnreachable => _monitor.Writer?.DatabaseUnreachable ?? false;

    public event Action? Changed;

    public IReadOnlyList<TargetSnapshot> Snapshot()
    {
        if (_monitor.Scheduler is not { } scheduler)
        {
            return [];
        }

        // Every open page asks after each tick: the ordered list is built once per version and shared.
        var version = _monitor.Version;
        if (Volatile.Read(ref _ordered) is { } cached && cached.Version == version)
        {
            return cached.Targets;
        }

        var targets = scheduler.Snapshot().ToList();
        targets.Sort(TargetSnapshot.CompareByGroupAndName);
        Volatile.Write(ref _ordered, new Ordered(version, targets));
        return targets;
    }

    public TargetSnapshot? Find(long id) =>
        _monitor.NameOf(id) is { } name && _monitor.Scheduler?.Find(name) is { } snapshot && snapshot.Id == id ? snapshot : null;

    public SchedulerCounts Counts() => _monitor.Scheduler?.Counts() ?? default;

    public void Dispose() => _timer.Dispose();

    private void RaiseIfMoved()
    {
        // A tick that finds the previous one still raising skips: the next one catches up.
        if (Interlocked.Exchange(ref _raising, 1) == 1)
        {
            return;
        }

        try
        {
            var version = _monitor.Version;
            if (version == _raised)
            {
                return;
            }

            _raised = version;
            foreach (var handler in Changed?.GetInvocationList() ?? [])
            {
                try
                {
                    ((Action)handler)();
                }
                catch (Exception e)
                {
                    // One broken page must not keep the others from hearing of the change.
                    _log.Warning(e, "A handler of the monitor's Changed event failed");
                }
            }
        }
        finally
        {
            Volatile.Write(ref _raising, 0);
        }
    }

    private sealed record Ordered(long Version, IReadOnlyList<TargetSnapshot> Targets);
}
