using System.Net;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Health;
using HealthChecker.Core.Targets;
using HealthChecker.Core.Timers;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// One target on its loop: definition, health and its place in the loop's schedule heap. Every field
/// but the published <see cref="Snapshot"/> is touched by the owning loop only.
/// </summary>
internal sealed class ScheduledTarget : ITimerEntry, ICheckOwner
{
    private TargetSnapshot _snapshot;

    public ScheduledTarget(ScheduleLoop loop, TargetDefinition definition, long? id, DateTimeOffset addedAt)
    {
        Loop = loop;
        Definition = definition;
        Id = id;
        Health = new HealthState(definition.Rise, definition.Fall, definition.StartUp);
        LastChange = addedAt;
        _snapshot = new TargetSnapshot(
            definition.FullName, id, definition, Health.State, Health.Display, Health.Health, null, addedAt, null, [], 0);
    }

    public ScheduleLoop Loop { get; }

    public string Name => Definition.FullName;

    public long? Id { get; set; }

    public TargetDefinition Definition { get; set; }

    public IPEndPoint? EndPoint { get; set; }

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

    public DateTimeOffset LastChange { get; set; }

    public long Checks { get; set; }

    int ITimerEntry.TimerIndex { get; set; } = -1;

    public bool InHeap => ((ITimerEntry)this).TimerIndex >= 0;

    /// <summary>The latest published state; read from any thread without a lock.</summary>
    public TargetSnapshot Snapshot => Volatile.Read(ref _snapshot);

    public void Publish(TargetSnapshot snapshot) => Volatile.Write(ref _snapshot, snapshot);

    public void Expire() => Loop.Enqueue(this);

    public void OnFinished(CheckRun check) => Loop.Finished(this, check);
}
