using HealthChecker.Core.Store;
using HealthChecker.Core.Scheduling;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// The view when no engine is hosted: nothing runs, nothing is scheduled. Registered only when no other
/// <see cref="IMonitorView"/> is, so that the pages say "not running" instead of failing.
/// </summary>
public sealed class StoppedMonitorView : IMonitorView
{
    public bool Running => false;

    public long Version => 0;

    public long DroppedResults => 0;

    public bool DatabaseUnreachable => false;

    public event Action? Changed
    {
        add { }
        remove { }
    }

    public IReadOnlyList<TargetSnapshot> Snapshot() => [];

    public BoardModel Board() => BoardModel.Empty;

    public TargetStatePage Page(TargetKey? after, int limit) => TargetStatePage.None;

    public TargetSnapshot? Find(long id) => null;

    public SchedulerCounts Counts() => default;
}
