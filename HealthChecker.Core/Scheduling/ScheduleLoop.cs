using System.Diagnostics;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Health;
using HealthChecker.Core.Targets;
using HealthChecker.Core.Timers;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// The schedule of the targets pinned to one engine loop: a heap of due times, a queue of due checks
/// waiting for a slot, and ONE entry in the engine's timer heap that wakes the loop at the earliest
/// due time. Everything here runs on that loop's thread.
/// </summary>
internal sealed class ScheduleLoop : ITimerEntry
{
    private readonly TargetScheduler _owner;
    private readonly TimeProvider _clock;
    private readonly long _frequency;
    private readonly bool _clockIsStopwatch;
    private readonly TimerHeap<ScheduledTarget> _due = new();
    private readonly Queue<ScheduledTarget> _waiting = new();
    private readonly int _maxInFlight;
    private readonly int _maxStartsPerRound;
    private int _startsLeft;
    private bool _starting;
    private long _checks;
    private long _published;

    public ScheduleLoop(TargetScheduler owner, int index, CheckEngine engine, int maxInFlight, int maxStartsPerRound)
    {
        _owner = owner;
        Index = index;
        Engine = engine;
        _clock = owner.Clock;
        _frequency = _clock.TimestampFrequency;
        // The system clock counts in Stopwatch units, as the engine's heap does: no conversion needed.
        _clockIsStopwatch = ReferenceEquals(_clock, TimeProvider.System);
        _maxInFlight = Math.Max(1, maxInFlight);
        _maxStartsPerRound = Math.Max(1, maxStartsPerRound);
    }

    public CheckEngine Engine { get; }

    /// <summary>This loop's place among the scheduler's loops.</summary>
    public int Index { get; }

    /// <summary>
    /// The sequence number of this loop's latest publish: a target published with a number at most this one shows those values
    /// (the number moves only after the target's values are in place).
    /// </summary>
    public long Published => Volatile.Read(ref _published);

    /// <summary>How many latest checks each target keeps.</summary>
    public int RecentResults => _owner.RecentResults;

    /// <summary>Targets waiting for their due time (the schedule heap's size).</summary>
    public int Scheduled => _due.Count;

    /// <summary>Due checks waiting for a slot.</summary>
    public int Queued => _waiting.Count;

    /// <summary>Scheduled checks in flight on this loop.</summary>
    public int InFlight { get; private set; }

    public long ChecksCompleted => Volatile.Read(ref _checks);

    /// <summary>The wake-up's deadline in the engine's (Stopwatch) units.</summary>
    public long Deadline { get; private set; }

    int ITimerEntry.TimerIndex { get; set; } = -1;

    private bool Armed => ((ITimerEntry)this).TimerIndex >= 0;

    /// <summary>The engine's timer fired: start what is due.</summary>
    public void Expire() => Pump();

    public void Pump()
    {
        // A new round of the engine's loop: a fresh budget of starts (see SchedulerOptions.MaxStartsPerRound).
        _startsLeft = _maxStartsPerRound;
        long now = _clock.GetTimestamp();
        while (_due.PopDue(now) is { } due)
        {
            due.Expire();
        }
        StartWaiting();
        Rearm();
    }

    /// <summary>A target's due time came: queue it behind the bound on checks in flight.</summary>
    public void Enqueue(ScheduledTarget target)
    {
        target.Phase = TargetPhase.Queued;
        target.DueAt = target.Deadline;
        _waiting.Enqueue(target);
    }

    public void Add(ScheduledTarget target, TimeSpan firstDelay)
    {
        if (!target.Definition.Enabled)
        {
            target.Health.EnterMaintenance();
            target.Phase = TargetPhase.Paused;
            Publish(target, null, _clock.GetTimestamp());
            return;
        }
        long now = _clock.GetTimestamp();
        Schedule(target, now + ClockMath.ToTicks(firstDelay, _frequency));
        Publish(target, null, now);
        Rearm();
    }

    public void Remove(ScheduledTarget target)
    {
        _due.Remove(target);
        target.Phase = TargetPhase.Removed;
        target.Running = null;
        Rearm();
    }

    public bool Pause(ScheduledTarget target, string reason)
    {
        if (target.Phase is TargetPhase.Paused or TargetPhase.Removed)
        {
            return false;
        }
        _due.Remove(target);
        target.Phase = TargetPhase.Paused;
        target.Running = null;
        target.MissedDue = null;
        var from = target.Health.EnterMaintenance();
        long now = _clock.GetTimestamp();
        Changed(target, from, reason, now);
        Rearm();
        return true;
    }

    public bool Resume(ScheduledTarget target, string reason)
    {
        if (target.Phase != TargetPhase.Paused)
        {
            return false;
        }
        target.Health.LeaveMaintenance();
        long now = _clock.GetTimestamp();
        Schedule(target, now);
        Changed(target, TargetState.Maint, reason, now);
        Rearm();
        return true;
    }

    /// <summary>A new definition for a target; its due time stays, the new intervals apply from its next check.</summary>
    public void Update(ScheduledTarget target, TargetDefinition definition, long? id)
    {
        var old = target.Definition;
        target.Definition = definition;
        target.Id = id;
        if (old.Rise != definition.Rise || old.Fall != definition.Fall || old.StartUp != definition.StartUp)
        {
            bool wasPaused = target.Health.InMaintenance;
            var health = new HealthState(definition.Rise, definition.Fall, definition.StartUp);
            // Keep what it is now, UP or DOWN, under the new counts; the configured start still applies after a pause.
            bool wantUp = wasPaused ? definition.StartUp : target.Health.State == TargetState.Up;
            for (int i = 0; i < definition.Rise && health.State == TargetState.Down && wantUp; i++)
            {
                health.Report(passed: true);
            }
            if (!wantUp && health.State == TargetState.Up)
            {
                health.Report(passed: false);
            }
            if (wasPaused)
            {
                health.EnterMaintenance();
            }
            target.Health = health;
        }
        if (old.Enabled && !definition.Enabled)
        {
            Pause(target, "disabled in the targets");
        }
        else if (!old.Enabled && definition.Enabled)
        {
            Resume(target, "enabled in the targets");
        }
        else
        {
            Publish(target, null, _clock.GetTimestamp());
        }
    }

    public void Finished(ScheduledTarget target, CheckRun check)
    {
        Engine.Forget(check);
        InFlight--;
        if (_owner.Stopped)
        {
            // Halted or suspended: the result is not this node's to report; suspended, the target is due again at once.
            bool wasCurrent = target.Running == check;
            target.Running = null;
            if (wasCurrent && !_owner.Halted)
            {
                Schedule(target, _clock.GetTimestamp());
                Rearm();
            }
            return;
        }
        if (target.Running == check)
        {
            target.Running = null;
            Complete(target, check.Result!);
        }
        if (!_starting)
        {
            StartWaiting();
            Rearm();
        }
    }

    private void StartWaiting()
    {
        // Checks that end at once (refused on connect) call back into Finished; this loop starts the next ones.
        if (_owner.Stopped)
        {
            return;
        }
        _starting = true;
        try
        {
            while (InFlight < _maxInFlight && _startsLeft > 0 && _waiting.TryDequeue(out var target))
            {
                if (target.Phase == TargetPhase.Queued)
                {
                    _startsLeft--;
                    Start(target);
                }
            }
        }
        finally
        {
            _starting = false;
        }
    }

    private void Start(ScheduledTarget target)
    {
        target.Phase = TargetPhase.Running;
        target.StartedAt = _clock.GetTimestamp();
        if (target.EndPoint is not { } endPoint)
        {
            Complete(target, TargetAddress.Unresolved(target.Definition, target.ResolveError ?? "no address"));
            return;
        }
        var check = new CheckRun(target.Spec(endPoint, _owner.TrustedRoots), endPoint, target);
        target.Running = check;
        InFlight++;
        Engine.Start(check);
    }

    private void Complete(ScheduledTarget target, CheckResult result)
    {
        long now = _clock.GetTimestamp();
        var at = _clock.GetUtcNow();
        Volatile.Write(ref _checks, _checks + 1);
        target.Checks++;
        var from = target.Health.Report(result.Passed);
        var definition = target.Definition;
        // Counted from the end of this check, HAProxy's way, with the state the check just left it in.
        var interval = CheckInterval.For(target.Health, definition.Inter, definition.FastInter, definition.DownInter);
        if (target.MissedDue is { } missed)
        {
            // A resumed target's catch-up check: back on its old phase, not in one band with the others caught up at once.
            target.MissedDue = null;
            interval = CheckInterval.AfterCatchUp(missed, interval, at);
        }
        else
        {
            interval = CheckInterval.Spread(interval, definition.SpreadPercent, _owner.Jitter());
        }
        Schedule(target, now + ClockMath.ToTicks(interval, _frequency));
        var scheduledAt = at - ClockMath.ToSpan(now - target.DueAt, _frequency);
        var queueDelay = ClockMath.ToSpan(Math.Max(0, target.StartedAt - target.DueAt), _frequency);
        var state = target.Health.State;
        var display = target.Health.Display;
        if (from is not null)
        {
            target.LastChange = at;
        }
        Publish(target, new RecentCheck(result, scheduledAt, queueDelay, at, state, display), now);
        // Handed to the subscribers and dropped: nothing of the scheduler's keeps it.
        var checkResult = new TargetCheckResult(target.Name, target.Id, result, scheduledAt, queueDelay, at, state, display);
        _owner.RaiseCheckCompleted(checkResult);
        if (from is { } previous)
        {
            _owner.RaiseStateChanged(new TargetStateChange(
                target.Name, target.Id, previous, target.Health.State, target.Health.Display, result.Description, result, at));
        }
    }

    private void Changed(ScheduledTarget target, TargetState? from, string reason, long now)
    {
        var at = _clock.GetUtcNow();
        if (from is { } previous && previous != target.Health.State)
        {
            target.LastChange = at;
            Publish(target, null, now);
            _owner.RaiseStateChanged(new TargetStateChange(
                target.Name, target.Id, previous, target.Health.State, target.Health.Display, reason, null, at));
        }
        else
        {
            Publish(target, null, now);
        }
    }

    private void Schedule(ScheduledTarget target, long due)
    {
        _due.Remove(target);
        target.Deadline = due;
        target.Phase = TargetPhase.Waiting;
        _due.Add(target);
    }

    private void Publish(ScheduledTarget target, RecentCheck? check, long now)
    {
        DateTimeOffset? nextCheck = target.Phase == TargetPhase.Waiting
            ? _clock.GetUtcNow() + ClockMath.ToSpan(target.Deadline - now, _frequency)
            : null;
        var sequence = _published + 1;
        target.Publish(check, nextCheck, sequence);
        Volatile.Write(ref _published, sequence);
    }

    /// <summary>Keeps the engine's one wake-up entry at the earliest due time (or out of its heap when none is).</summary>
    private void Rearm()
    {
        // Halted or suspended, the queued do not start: waking for them would spin.
        if (_waiting.Count > 0 && InFlight < _maxInFlight && !_owner.Stopped)
        {
            // Nothing should wait with a free slot (or a spent budget) for long: start it on the next round.
            Arm(Stopwatch.GetTimestamp());
            return;
        }
        long earliest = _due.EarliestDeadline;
        if (earliest == long.MaxValue)
        {
            if (Armed)
            {
                Engine.RemoveTimer(this);
            }
            return;
        }
        long deadline = _clockIsStopwatch
            ? earliest
            : Stopwatch.GetTimestamp() + ClockMath.Convert(Math.Max(0, earliest - _clock.GetTimestamp()), _frequency, Stopwatch.Frequency);
        Arm(deadline);
    }

    private void Arm(long deadline)
    {
        if (Armed && Deadline == deadline)
        {
            return;
        }
        if (Armed)
        {
            Engine.RemoveTimer(this);
        }
        Deadline = deadline;
        Engine.AddTimer(this);
    }
}
