using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Faults;
using HealthChecker.Core.Health;
using HealthChecker.Core.Targets;
using Serilog;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// Checks targets each on its own interval, HAProxy's way, over N event loops (one <see cref="CheckEngine"/>
/// each); every target is pinned to one loop, which owns its health, its timer and its checks.
/// Callers on any thread add, change, pause and remove targets; the change is handed to the owning loop.
/// </summary>
public sealed partial class TargetScheduler : IDisposable
{
    private readonly ConcurrentDictionary<string, ScheduledTarget> _targets = new(StringComparer.Ordinal);
    private readonly ScheduleLoop[] _loops;
    private readonly SchedulerOptions _options;
    private readonly Func<double> _jitter;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private long _membership;
    // Tells this scheduler's publish numbers from another's (an engine started again counts from zero).
    private readonly long _incarnation = Random.Shared.NextInt64();
    private bool _disposed;
    private volatile bool _halted;
    private volatile bool _suspended;

    public TargetScheduler(SchedulerOptions? options = null)
    {
        _options = options ?? new SchedulerOptions();
        Faults = _options.Faults ?? new FaultLog(_options.Log, _options.Clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Loops, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxStartsPerRound, 1);
        _jitter = _options.Jitter ?? Random.Shared.NextDouble;
        int perLoop = (_options.MaxInFlight + _options.Loops - 1) / _options.Loops;
        _loops = new ScheduleLoop[_options.Loops];
        for (int i = 0; i < _loops.Length; i++)
        {
            _loops[i] = new ScheduleLoop(this, i, new CheckEngine(_options.Engine), perLoop, _options.MaxStartsPerRound);
        }
    }

    /// <summary>Every check's result, on the loop thread that ran it: keep handlers short and non-blocking.</summary>
    public event Action<TargetCheckResult>? CheckCompleted;

    /// <summary>Every UP/DOWN/MAINT change, on the owning loop thread, after it was logged.</summary>
    public event Action<TargetStateChange>? StateChanged;

    /// <summary>A target removed, on its loop thread after its last result or change: nothing more comes of it.</summary>
    public event Action<TargetRemoval>? Removed;

    public TimeProvider Clock => _options.Clock;

    public int LoopCount => _loops.Length;

    public int Count => _targets.Count;

    /// <summary>Moves whenever a target is added or removed (not on results): a reader's index of names is current while it stays.</summary>
    public long Membership => Interlocked.Read(ref _membership);

    /// <summary>Checks completed since start, over all loops.</summary>
    public long ChecksCompleted => _loops.Sum(l => l.ChecksCompleted);

    /// <summary>Where a subscriber's exception is logged and counted as a <see cref="FaultKind.CheckHandler"/> fault (<see cref="SchedulerOptions.Faults"/>); the loops go on.</summary>
    public FaultLog Faults { get; }

    internal int RecentResults => Math.Max(1, _options.RecentResults);

    internal X509Certificate2Collection? TrustedRoots => _options.TrustedRoots;

    internal IReadOnlyList<ScheduleLoop> Loops => _loops;

    internal double Jitter() => _jitter();

    /// <summary>Every target's latest snapshot; lock-free, safe from any thread.</summary>
    public IReadOnlyList<TargetSnapshot> Snapshot() => _targets.Select(t => t.Value.Snapshot).ToList();

    /// <summary>
    /// The targets published since <paramref name="since"/> (a cursor this scheduler handed out), with the cursor to ask from
    /// next time; every target (<see cref="PublishedTargets.Full"/>) when the cursor is null, another scheduler's, or targets
    /// were added or removed since. A target published while this runs may come now and again next time; none is missed.
    /// </summary>
    public PublishedTargets PublishedSince(PublishCursor? since)
    {
        // Read before the targets: whatever these numbers cover is in place when the targets are read.
        var membership = Membership;
        var now = new PublishCursor(_incarnation, membership, [.. _loops.Select(l => l.Published)]);
        var full = since is null || since.Incarnation != _incarnation || since.Membership != membership || since.Loops.Count != _loops.Length;
        var targets = new List<TargetSnapshot>();
        foreach (var (_, target) in _targets)
        {
            if (full || target.Sequence > since!.Loops[target.Loop.Index])
            {
                targets.Add(target.Snapshot);
            }
        }

        return new PublishedTargets(now, full, targets);
    }

    public TargetSnapshot? Find(string target) => _targets.TryGetValue(target, out var t) ? t.Snapshot : null;

    /// <summary>Targets by state, from the snapshots.</summary>
    public SchedulerCounts Counts()
    {
        int up = 0, down = 0, maint = 0;
        // Enumerating the dictionary itself takes no lock (its Values property takes them all).
        foreach (var (_, t) in _targets)
        {
            switch (t.State)
            {
                case TargetState.Up: up++; break;
                case TargetState.Down: down++; break;
                case TargetState.Maint: maint++; break;
            }
        }
        return new SchedulerCounts(up + down + maint, up, down, maint, ChecksCompleted);
    }

    /// <summary>Adds one target, first checked at once (or paused when not enabled); false if the name is taken.</summary>
    public async Task<bool> AddAsync(TargetDefinition definition, long? id = null, CancellationToken cancellationToken = default) =>
        await AddRangeAsync([(definition, id)], cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>
    /// Adds targets with their first checks spread evenly over each one's first interval; names already
    /// present are skipped. Returns how many were added.
    /// </summary>
    public Task<int> AddRangeAsync(IReadOnlyList<(TargetDefinition Definition, long? Id)> targets, CancellationToken cancellationToken = default) =>
        AddRangeAsync(targets, null, cancellationToken);

    /// <summary>
    /// As above; a target whose id has a <see cref="ResumedHealth"/> starts from it instead of its configured start. One with a
    /// stored last check is not spread: its first check waits for an interval after that check, or when that time has passed it
    /// runs at once and the next one keeps the old grid (<see cref="CheckInterval.AfterCatchUp"/>).
    /// </summary>
    public async Task<int> AddRangeAsync(IReadOnlyList<(TargetDefinition Definition, long? Id)> targets, IReadOnlyDictionary<long, ResumedHealth>? resumed,
        CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var resolved = await ResolveAllAsync(targets.Select(t => t.Definition).ToList(), cancellationToken).ConfigureAwait(false);
        var now = Clock.GetUtcNow();
        var perLoop = new List<(ScheduledTarget Target, TimeSpan FirstDelay)>?[_loops.Length];
        var fresh = new List<(ScheduledTarget Target, TimeSpan? FirstDelay)>(targets.Count);
        for (int i = 0; i < targets.Count; i++)
        {
            var (definition, id) = targets[i];
            var loop = _loops[LoopOf(definition.FullName)];
            var target = new ScheduledTarget(loop, definition, id, now) { EndPoint = resolved[i].EndPoint, ResolveError = resolved[i].Error };
            TimeSpan? firstDelay = null;
            if (id is { } known && resumed is not null && resumed.TryGetValue(known, out var from))
            {
                target.Health = HealthState.Resumed(definition.Rise, definition.Fall, definition.StartUp, from.State);
                (firstDelay, target.MissedDue) = ResumeDelay(target.Health, definition, from.LastCheckAt, now);
            }
            if (_targets.TryAdd(definition.FullName, target))
            {
                Interlocked.Increment(ref _membership);
                fresh.Add((target, firstDelay));
            }
        }
        for (int n = 0; n < fresh.Count; n++)
        {
            var (target, firstDelay) = fresh[n];
            int loop = Array.IndexOf(_loops, target.Loop);
            (perLoop[loop] ??= []).Add((target, firstDelay ?? CheckInterval.FirstDelay(n, fresh.Count, target.Definition.Inter)));
        }
        var handed = new List<Task>();
        for (int l = 0; l < _loops.Length; l++)
        {
            if (perLoop[l] is { } batch)
            {
                var loop = _loops[l];
                // One hand-over per loop, not per target: 10 000 targets cost a few eventfd writes.
                handed.Add(OnLoop(loop, () =>
                {
                    foreach (var (target, delay) in batch)
                    {
                        if (target.Phase == TargetPhase.New)
                        {
                            loop.Add(target, delay);
                        }
                    }
                }));
            }
        }
        await Task.WhenAll(handed).ConfigureAwait(false);
        return fresh.Count;
    }

    // A target checked less than an interval ago (here, or by the node that had it) is next due an interval after that check;
    // one whose due time passed (while its node's death was detected, or this node was down) is checked at once, from that due time.
    private static (TimeSpan? Delay, DateTimeOffset? MissedDue) ResumeDelay(HealthState health, TargetDefinition definition, DateTimeOffset? lastCheckAt,
        DateTimeOffset now)
    {
        if (lastCheckAt is not { } last)
        {
            return (null, null);
        }

        var due = last + CheckInterval.For(health, definition.Inter, definition.FastInter, definition.DownInter);
        return due > now ? (due - now, null) : (TimeSpan.Zero, due);
    }

    /// <summary>Replaces a target's definition; its current due time is kept. False if no such target.</summary>
    public async Task<bool> UpdateAsync(TargetDefinition definition, long? id = null, CancellationToken cancellationToken = default)
    {
        if (!_targets.TryGetValue(definition.FullName, out var target))
        {
            return false;
        }
        var (endPoint, error) = await TargetAddress.ResolveAsync(definition, _options.Engine.Resolve, cancellationToken).ConfigureAwait(false);
        await OnLoop(target.Loop, () =>
        {
            target.EndPoint = endPoint;
            target.ResolveError = error;
            target.Loop.Update(target, definition, id);
        }).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stops checking a target and drops it (for <paramref name="reason"/>, told in <see cref="Removed"/>). False if no such target.</summary>
    public async Task<bool> RemoveAsync(string target, RemovalReason reason = RemovalReason.Deleted)
    {
        if (!_targets.TryRemove(target, out var removed))
        {
            return false;
        }

        Interlocked.Increment(ref _membership);
        await OnLoop(removed.Loop, () =>
        {
            removed.Loop.Remove(removed);
            if (Removed is { } handlers)
            {
                Raise(handlers, new TargetRemoval(target, removed.Id, Clock.GetUtcNow()) { Reason = reason }, "removal", target, removed.Id);
            }
        }).ConfigureAwait(false);
        return true;
    }

    /// <summary>Maintenance: no more checks, shown as MAINT. False if unknown or already paused.</summary>
    public Task<bool> PauseAsync(string target) =>
        _targets.TryGetValue(target, out var t) ? OnLoop(t.Loop, () => t.Loop.Pause(t, "paused by the operator")) : Task.FromResult(false);

    /// <summary>Back from maintenance: health starts over as for a new target and a check runs at once.</summary>
    public Task<bool> ResumeAsync(string target) =>
        _targets.TryGetValue(target, out var t) ? OnLoop(t.Loop, () => t.Loop.Resume(t, "resumed by the operator")) : Task.FromResult(false);

    /// <summary>True once <see cref="Halt"/> was called: no check starts and no result comes out any more.</summary>
    public bool Halted => _halted;

    /// <summary>
    /// Stops checking at once and for good, from any thread: no check starts, and the results of those still in flight are
    /// discarded (no <see cref="CheckCompleted"/>, no <see cref="StateChanged"/>). For a node that must no longer check its
    /// targets (fenced out of, or declared dead by, its cluster); targets can still be added and removed, none is checked.
    /// </summary>
    public void Halt()
    {
        // Each loop reads it before it starts a check and before it reports one.
        _halted = true;
    }

    /// <summary>True between <see cref="Suspend"/> and <see cref="EndSuspensionAsync"/>.</summary>
    public bool Suspended => _suspended;

    /// <summary>True while no check may start and no result may come out: halted for good, or suspended for now.</summary>
    internal bool Stopped => _halted || _suspended;

    /// <summary>
    /// Stops checking at once until <see cref="EndSuspensionAsync"/>, from any thread: no check starts, and the results of those
    /// still in flight are discarded; each such target is due again at once. For a node cut from everything, whose targets
    /// the others may be taking over; unlike <see cref="Halt"/> it can be undone.
    /// </summary>
    public void Suspend()
    {
        // Each loop reads it before it starts a check and before it reports one.
        _suspended = true;
    }

    /// <summary>Checking again after <see cref="Suspend"/>: each target is checked from its due time, at once when that passed meanwhile.</summary>
    public Task EndSuspensionAsync()
    {
        _suspended = false;
        return PumpAsync();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var loop in _loops)
        {
            loop.Engine.Dispose();
        }
        _reload.Dispose();
    }

    /// <summary>Runs every loop's schedule now; a test that moved a fake clock calls this to wake the loops.</summary>
    internal Task PumpAsync() => Task.WhenAll(_loops.Select(l => OnLoop(l, l.Pump)));

    /// <summary>Completes once every loop has finished what it was doing when called (e.g. raising a check's events).</summary>
    internal Task SettledAsync() => Task.WhenAll(_loops.Select(l => OnLoop(l, static () => { })));

    internal void RaiseCheckCompleted(TargetCheckResult result)
    {
        if (_halted)
        {
            return;
        }

        if (CheckCompleted is { } handlers)
        {
            Raise(handlers, result, "check completion", result.Target, result.Id);
        }
    }

    internal void RaiseStateChanged(TargetStateChange change)
    {
        if (_halted)
        {
            return;
        }

        StateChangeLog.Write(_options.Log, change);
        if (StateChanged is { } handlers)
        {
            Raise(handlers, change, "state change", change.Target, change.Id);
        }
    }

    // Each subscriber on its own: one that throws must not keep the others from the event (enumerated without allocating).
    private void Raise<T>(Action<T> handlers, T value, string handled, string target, long? id)
    {
        foreach (var handler in Delegate.EnumerateInvocationList(handlers))
        {
            try
            {
                handler(value);
            }
            catch (Exception e)
            {
                // A subscriber's bug must not stop the loop and every target on it, nor pass unseen.
                var which = id is { } known ? $"{target} (id {known})" : target;
                var name = $"{handler.Method.DeclaringType?.Name}.{handler.Method.Name}";
                Faults.Record(FaultKind.CheckHandler, $"a {handled} handler ({name}) of {which} threw {e.GetType().Name}: {e.Message}", e, $"{name} of {target}");
            }
        }
    }

    private int LoopOf(string name)
    {
        // FNV-1a: a stable pin, so a target re-added under the same name lands on the same loop.
        uint hash = 2166136261;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 16777619;
        }
        return (int)(hash % (uint)_loops.Length);
    }

    private async Task<(IPEndPoint? EndPoint, string? Error)[]> ResolveAllAsync(IReadOnlyList<TargetDefinition> definitions, CancellationToken cancellationToken)
    {
        var results = new (IPEndPoint?, string?)[definitions.Count];
        var lookups = new Dictionary<string, Task<(IPEndPoint?, string?)>>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < definitions.Count; i++)
        {
            var d = definitions[i];
            if (IPAddress.TryParse(d.Host.Trim('[', ']'), out var literal))
            {
                results[i] = (new IPEndPoint(literal, d.Port), null);
                continue;
            }
            string key = $"{d.Host}:{d.Port}";
            if (!lookups.TryGetValue(key, out var lookup))
            {
                lookup = TargetAddress.ResolveAsync(d, _options.Engine.Resolve, cancellationToken);
                lookups[key] = lookup;
            }
            results[i] = await lookup.ConfigureAwait(false);
        }
        return results;
    }

    internal static Task OnLoop(ScheduleLoop loop, Action work) => OnLoop(loop, () =>
    {
        work();
        return true;
    });

    internal static Task<T> OnLoop<T>(ScheduleLoop loop, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Engine.Post(() =>
        {
            try
            {
                done.TrySetResult(work());
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        });
        return done.Task;
    }
}
