using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// The running monitor as pages, <c>/api/status</c> and <c>/metrics</c> read it: its settings, whether the engine runs, the
/// engine and the result writer once started, and a version that moves on every change. The hosted parts that start and
/// stop it (<see cref="HistoryWriterService"/>, <see cref="CheckEngineService"/>, <see cref="MaintenanceService"/>) fill it in.
/// </summary>
public sealed class MonitorService(IConfiguration configuration)
{
    private readonly MonitorOptions _options = configuration.GetSection(MonitorOptions.Section).Get<MonitorOptions>() ?? new MonitorOptions();
    private TargetScheduler? _scheduler;
    private ResultWriter? _writer;
    private TargetSync? _sync;
    private MembershipFence? _fence;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _running;
    private volatile bool _suspended;
    private int _fencedOut;
    private long _version;

    public MonitorOptions Options => _options;

    /// <summary>This node's membership row the writes are fenced by: the one its silo joined with, set before the history writer starts.</summary>
    public MembershipFence? Fence => Volatile.Read(ref _fence);

    /// <summary>True once a write was refused because this node is no longer an Active member of its cluster.</summary>
    public bool FencedOut => Volatile.Read(ref _fencedOut) == 1;

    /// <summary>Raised once, when a write of this node was fenced out: the engine stops checking.</summary>
    public event Action? NodeFencedOut;

    /// <summary>True once every stored target is scheduled; false before and from the start of the stop.</summary>
    public bool Running => _running;

    /// <summary>True while checks are suspended because this node reached neither the database nor any other node (IsolationGuard).</summary>
    public bool Suspended => _suspended;

    /// <summary>Completes once the engine runs and follows the targets it owns: a node turns Active in its cluster only then.</summary>
    public Task Loaded => _loaded.Task;

    /// <summary>Moves on every result, state change and applied target change.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The engine, once started (kept after the stop, with its last snapshots).</summary>
    internal TargetScheduler? Scheduler => Volatile.Read(ref _scheduler);

    internal ResultWriter? Writer => Volatile.Read(ref _writer);

    /// <summary>The scheduled name of a stored target.</summary>
    internal string? NameOf(long id) => Volatile.Read(ref _sync)?.NameOf(id);

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
            writer?.DatabaseUnreachable ?? false,
            writer?.FencedResults ?? 0,
            writer?.FencedStateChanges ?? 0,
            FencedOut,
            Suspended);
    }

    internal void Touch() => Interlocked.Increment(ref _version);

    internal void WritesTo(ResultWriter writer) => Volatile.Write(ref _writer, writer);

    /// <summary>The node's own membership row, for the cluster part to set before the history writer starts.</summary>
    public void FencesAs(MembershipFence fence) => Volatile.Write(ref _fence, fence);

    /// <summary>A writer's batch was fenced out: tells <see cref="NodeFencedOut"/> once, whoever reports it.</summary>
    internal void ReportFencedOut()
    {
        if (Interlocked.Exchange(ref _fencedOut, 1) == 0)
        {
            Touch();
            NodeFencedOut?.Invoke();
        }
    }

    /// <summary>Awaited before targets are added to the engine (see <see cref="TargetSync.BeforeAdding"/>); null takes it away.</summary>
    internal void BeforeAddingTargets(Func<IReadOnlyList<string>, CancellationToken, Task>? hook) => Volatile.Read(ref _sync)?.BeforeAdding(hook);

    internal void AfterHandingOverTargets(Func<CancellationToken, Task>? hook) => Volatile.Read(ref _sync)?.AfterHandingOver(hook);

    internal void Checks(TargetScheduler scheduler, TargetSync sync)
    {
        Volatile.Write(ref _scheduler, scheduler);
        Volatile.Write(ref _sync, sync);
    }

    internal void EngineLoaded() => _loaded.TrySetResult();

    /// <summary>Set by the cluster part: waits for the nodes named to have dropped the targets they hand to this node.</summary>
    public Func<IReadOnlyCollection<string>, long, CancellationToken, Task>? AwaitRelease { get; set; }

    /// <summary>True once this node dropped what it lost under membership <paramref name="version"/> (see TargetSync.ReleasedAsync).</summary>
    public Task<bool> ReleasedAsync(long version, TimeSpan limit, CancellationToken ct) =>
        Volatile.Read(ref _sync) is { } sync ? sync.ReleasedAsync(version, limit, ct) : Task.FromResult(true);

    internal void SetRunning(bool running)
    {
        _running = running;
        Touch();
    }

    internal void SetSuspended(bool suspended)
    {
        _suspended = suspended;
        Touch();
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
    bool DatabaseUnreachable,
    long ResultsFenced,
    long StateChangesFenced,
    bool FencedOut,
    bool ChecksSuspended);
