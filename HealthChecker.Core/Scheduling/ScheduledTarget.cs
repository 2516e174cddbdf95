using System.Net;
using System.Security.Cryptography.X509Certificates;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Health;
using HealthChecker.Core.Targets;
using HealthChecker.Core.Timers;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// One target on its loop: definition, health and its place in the loop's schedule heap. Every property is
/// touched by the owning loop only; what readers see is what the loop last published, under a lock of this
/// target's own: its state and its latest checks in a ring of <see cref="RecentCheck"/> values, written in
/// place, so that a check leaves no object behind to outlive it. <see cref="Snapshot"/> is built from them
/// when asked and kept until the next publish.
/// </summary>
internal sealed class ScheduledTarget : ITimerEntry, ICheckOwner
{
    private readonly Lock _published = new();
    private readonly RecentCheck[] _recent;
    private int _newest = -1;
    private int _recentCount;
    private TargetDefinition _definition;
    private long? _id;
    private TargetState _state;
    private string _display;
    private int _health;
    private DateTimeOffset _lastChange;
    private DateTimeOffset? _nextCheckAt;
    private long _checks;
    private TargetSnapshot? _snapshot;
    private long _sequence;

    public ScheduledTarget(ScheduleLoop loop, TargetDefinition definition, long? id, DateTimeOffset addedAt)
    {
        Loop = loop;
        Definition = definition;
        Id = id;
        Health = new HealthState(definition.Rise, definition.Fall, definition.StartUp);
        LastChange = addedAt;
        _recent = new RecentCheck[loop.RecentResults];
        _definition = definition;
        _id = id;
        _state = Health.State;
        _display = Health.Display;
        _health = Health.Health;
        _lastChange = addedAt;
    }

    public ScheduleLoop Loop { get; }

    public string Name => Definition.FullName;

    public long? Id { get; set; }

    private CheckSpec? _spec;

    public TargetDefinition Definition
    {
        get;
        set
        {
            field = value;
            _spec = null;
        }
    }

    public IPEndPoint? EndPoint
    {
        get;
        set
        {
            field = value;
            _spec = null;
        }
    }

    /// <summary>What each check of this target runs: built once per definition and address, not per check.</summary>
    public CheckSpec Spec(IPEndPoint endPoint, X509Certificate2Collection? trustedRoots) =>
        _spec ??= CheckMapping.ToSpec(Definition, endPoint, trustedRoots);

    /// <summary>Why <see cref="EndPoint"/> is null: the name did not resolve.</summary>
    public string? ResolveError { get; set; }

    public HealthState Health { get; set; }

    public TargetPhase Phase { get; set; }

    /// <summary>Clock timestamp at which the next check is due (the heap's key).</summary>
    public long Deadline { get; set; }

    /// <summary>The due time of the check queued or running now, for its queue delay.</summary>
    public long DueAt { get; set; }

    /// <summary>When that check started; minus <see cref="DueAt"/> it is the queue delay.</summary>
    public long StartedAt { get; set; }

    /// <summary>The check in flight for this target; a check that is no longer this one is dropped when it ends.</summary>
    public CheckRun? Running { get; set; }

    /// <summary>The due time a resumed target had already passed when added: the check after its catch-up one keeps that due time's grid.</summary>
    public DateTimeOffset? MissedDue { get; set; }

    public DateTimeOffset LastChange { get; set; }

    public long Checks { get; set; }

    int ITimerEntry.TimerIndex { get; set; } = -1;

    public bool InHeap => ((ITimerEntry)this).TimerIndex >= 0;

    /// <summary>The state last published, from any thread.</summary>
    public TargetState State
    {
        get
        {
            lock (_published)
            {
                return _state;
            }
        }
    }

    /// <summary>The loop's sequence number of the latest publish (<see cref="ScheduleLoop.Published"/>), from any thread.</summary>
    public long Sequence => Volatile.Read(ref _sequence);

    /// <summary>The latest published state, from any thread: the same instance until the loop publishes again.</summary>
    public TargetSnapshot Snapshot
    {
        get
        {
            lock (_published)
            {
                return _snapshot ??= new TargetSnapshot(
                    _definition.FullName, _id, _definition, _state, _display, _health,
                    _recentCount == 0 ? null : _recent[_newest], _lastChange, _nextCheckAt, RecentNewestFirst(), _checks);
            }
        }
    }

    /// <summary>Makes the loop's view (definition, health, last change, count) the readers' one, with <paramref name="check"/> added to the latest checks.</summary>
    public void Publish(in RecentCheck? check, DateTimeOffset? nextCheckAt, long sequence)
    {
        lock (_published)
        {
            if (check is { } added)
            {
                _newest = (_newest + 1) % _recent.Length;
                _recent[_newest] = added;
                _recentCount = Math.Min(_recentCount + 1, _recent.Length);
            }
            _definition = Definition;
            _id = Id;
            _state = Health.State;
            _display = check?.Display ?? Health.Display;
            _health = Health.Health;
            _lastChange = LastChange;
            _nextCheckAt = nextCheckAt;
            _checks = Checks;
            _snapshot = null;
            Volatile.Write(ref _sequence, sequence);
        }
    }

    private RecentCheck[] RecentNewestFirst()
    {
        var list = new RecentCheck[_recentCount];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = _recent[(_newest - i + _recent.Length) % _recent.Length];
        }
        return list;
    }

    public void Expire() => Loop.Enqueue(this);

    public void OnFinished(CheckRun check) => Loop.Finished(this, check);
}
