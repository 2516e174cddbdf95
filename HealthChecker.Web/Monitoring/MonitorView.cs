using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// <see cref="IMonitorView"/> over the hosted engine. <see cref="Changed"/> comes from a timer on the thread
/// pool that looks at <see cref="Version"/> every <see cref="Tick"/>: at most four events a second however many
/// checks complete, never on a loop thread, and a slow page handler delays only the next tick. While pages listen,
/// the tick builds the next <see cref="Board"/> before it raises the event, so every page reads the same one.
/// In a cluster the targets other nodes check (<see cref="IRemoteTargets"/>) are merged in: every list shows every target,
/// whichever node checks it; a read, or a tick while pages listen, asks for them to be pulled.
/// </summary>
public sealed class MonitorView : IMonitorView, IDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    private readonly MonitorService _monitor;
    private readonly IRemoteTargets? _remote;
    private readonly ITargetOwners? _owners;
    private readonly Serilog.ILogger _log;
    private readonly Timer _timer;
    private long _raised;
    private int _raising;
    private readonly Lock _boardLock = new();
    private Ordered? _ordered;
    private BoardModel? _board;
    private volatile bool _boardBehind;
    private TargetNameIndex _names = TargetNameIndex.Empty;

    public MonitorView(MonitorService monitor, Serilog.ILogger log, IRemoteTargets? remote = null, ITargetOwners? owners = null)
    {
        _monitor = monitor;
        _remote = remote;
        _owners = owners;
        _log = log.ForContext<MonitorView>();
        _raised = Version;
        _timer = new Timer(_ => RaiseIfMoved(), null, Tick, Tick);
    }

    public bool Running => _monitor.Running;

    public long Version => _monitor.Version + (_remote?.Latest.Version ?? 0);

    public long DroppedResults => _monitor.Writer is { } writer ? writer.Dropped + writer.DroppedStateChanges : 0;

    public bool DatabaseUnreachable => _monitor.Writer?.DatabaseUnreachable ?? false;

    public event Action? Changed;

    public IReadOnlyList<TargetSnapshot> Snapshot()
    {
        var remote = Remote();
        var scheduler = _monitor.Scheduler;
        if (scheduler is null && remote.Count == 0)
        {
            return [];
        }

        // Every open page asks after each tick: the ordered list is built once per version and shared.
        var version = Version;
        if (Volatile.Read(ref _ordered) is { } cached && cached.Version == version)
        {
            return cached.Targets;
        }

        var targets = Merged(scheduler, remote);
        Volatile.Write(ref _ordered, new Ordered(version, targets));
        return targets;
    }

    public TargetStatePage Page(TargetKey? after, int limit)
    {
        if (Remote().Count > 0)
        {
            return MergedPage(after, limit);
        }

        if (_monitor.Scheduler is not { } scheduler)
        {
            return TargetStatePage.None;
        }

        var names = Names(scheduler);
        var page = new List<TargetSnapshot>(Math.Min(limit, names.Count));
        var i = after is { } key ? names.FirstAfter(key) : 0;
        for (; i < names.Count && page.Count < limit; i++)
        {
            // Removed since the index was built: left out (the index is rebuilt at the next request).
            if (scheduler.Find(names[i]) is { } snapshot)
            {
                page.Add(snapshot);
            }
        }

        return new TargetStatePage(page, names.Count, i < names.Count);
    }

    public BoardModel Board()
    {
        _remote?.Wanted();
        return !_boardBehind && Volatile.Read(ref _board) is { } board ? board : BuildBoard();
    }

    public TargetSnapshot? Find(long id) => FindLocal(id) ?? Remote().Find(id)?.Snapshot;

    public SchedulerCounts Counts()
    {
        var local = _monitor.Scheduler?.Counts() ?? default;
        var remote = _remote?.Latest ?? RemoteTargetSet.Empty;
        if (remote.Count == 0)
        {
            return local;
        }

        var scheduler = _monitor.Scheduler;
        var others = remote.CountsExcept(r => scheduler?.Find(r.Snapshot.Target) is { } held && held.Id == r.Snapshot.Id);
        return new SchedulerCounts(local.Targets + others.Targets, local.Up + others.Up, local.Down + others.Down, local.Maint + others.Maint, local.Checks);
    }

    public bool IsStale(long id) => FindLocal(id) is null && (_remote?.Latest.Find(id)?.Stale ?? false);

    public TargetOwner? OwnerOf(long id) => _owners?.OwnerOf(id);

    private TargetSnapshot? FindLocal(long id) =>
        _monitor.NameOf(id) is { } name && _monitor.Scheduler?.Find(name) is { } snapshot && snapshot.Id == id ? snapshot : null;

    /// <summary>The other nodes' targets as last pulled; asks for a pull, as someone reads them.</summary>
    private RemoteTargetSet Remote()
    {
        if (_remote is null)
        {
            return RemoteTargetSet.Empty;
        }

        _remote.Wanted();
        return _remote.Latest;
    }

    // This node's targets and the others' (a target moving between nodes shows once, as this node has it), in list order.
    private static List<TargetSnapshot> Merged(TargetScheduler? scheduler, RemoteTargetSet remote)
    {
        var targets = scheduler?.Snapshot().ToList() ?? [];
        if (remote.Count > 0)
        {
            var local = targets.Where(t => t.Id is not null).Select(t => t.Id!.Value).ToHashSet();
            targets.AddRange(remote.Targets.Where(r => !local.Contains(r.Snapshot.Id ?? 0)).Select(r => r.Snapshot));
        }

        targets.Sort(TargetSnapshot.CompareByGroupAndName);
        return targets;
    }

    private TargetStatePage MergedPage(TargetKey? after, int limit)
    {
        var all = Snapshot();
        var first = 0;
        if (after is { } key)
        {
            // The first target listed after the key: a binary search over the ordered list.
            var high = all.Count;
            while (first < high)
            {
                var middle = (first + high) / 2;
                var at = all[middle].Definition;
                if (TargetOrder.Compare(at.Group, at.Name, key.Group, key.Name) <= 0)
                {
                    first = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }
        }

        var page = all.Skip(first).Take(limit).ToList();
        return new TargetStatePage(page, all.Count, first + page.Count < all.Count);
    }

    public void Dispose() => _timer.Dispose();

    // Rebuilt only when targets were added or removed since; read from the scheduler's membership before the snapshot,
    // so a change made during the build makes the next request build again.
    private TargetNameIndex Names(TargetScheduler scheduler)
    {
        var membership = scheduler.Membership;
        var names = Volatile.Read(ref _names);
        if (names.Membership == membership)
        {
            return names;
        }

        names = new TargetNameIndex(membership, scheduler.Snapshot());
        Volatile.Write(ref _names, names);
        return names;
    }

    private void RaiseIfMoved()
    {
        // A tick that finds the previous one still raising skips: the next one catches up.
        if (Interlocked.Exchange(ref _raising, 1) == 1)
        {
            return;
        }

        try
        {
            if (Changed is not null)
            {
                // A page listens: keep the other nodes' targets coming.
                _remote?.Wanted();
            }

            var version = Version;
            if (version == _raised)
            {
                return;
            }

            _raised = version;
            // The ordered list is stale now and holds a whole generation of snapshots (and their results): let it go.
            Volatile.Write(ref _ordered, null);
            if (_monitor.Scheduler is { } scheduler && Volatile.Read(ref _names).Membership != scheduler.Membership)
            {
                Volatile.Write(ref _names, TargetNameIndex.Empty);
            }

            if (Changed is null)
            {
                // No page listens: build nothing now, and let the old board go (it holds a whole generation of
                // snapshots and their results); the next page to ask builds a fresh one.
                _boardBehind = true;
                lock (_boardLock)
                {
                    _board = null;
                }

                return;
            }

            try
            {
                BuildBoard();
            }
            catch (Exception e)
            {
                // A timer callback must not throw; the pages keep the board they have and the next tick tries again.
                _boardBehind = true;
                _raised = long.MinValue;
                _log.Warning(e, "The dashboard's board could not be built");
                return;
            }

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

    private BoardModel BuildBoard()
    {
        lock (_boardLock)
        {
            _boardBehind = false;
            var previous = _board ?? BoardModel.Empty;
            var version = Version;
            if (_board is not null && previous.Version == version)
            {
                return previous;
            }

            var board = BoardModel.Next(previous, version, OrderedLike(previous), Counts());
            Volatile.Write(ref _board, board);
            return board;
        }
    }

    // Every target in board order. Targets seldom come and go: look the previous board's names up (no sort) and
    // sort afresh only when one of them is gone or the count moved.
    private TargetSnapshot[] OrderedLike(BoardModel previous)
    {
        if (_remote?.Latest is { Count: > 0 } remote)
        {
            return [.. Merged(_monitor.Scheduler, remote)];
        }

        if (_monitor.Scheduler is not { } scheduler)
        {
            return [];
        }

        var count = scheduler.Count;
        if (count > 0 && previous.Targets.Count == count)
        {
            TargetSnapshot[]? next = new TargetSnapshot[count];
            for (var i = 0; i < count; i++)
            {
                if (scheduler.Find(previous.Targets[i].Target) is not { } snapshot)
                {
                    next = null;
                    break;
                }

                next[i] = snapshot;
            }

            if (next is not null && scheduler.Count == count)
            {
                return next;
            }
        }

        var all = scheduler.Snapshot().ToArray();
        Array.Sort(all, TargetSnapshot.CompareByGroupAndName);
        return all;
    }

    private sealed record Ordered(long Version, IReadOnlyList<TargetSnapshot> Targets);
}
