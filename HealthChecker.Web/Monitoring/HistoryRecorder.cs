using System.Collections.Concurrent;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Health;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// Turns the scheduler's events into rows for the <see cref="ResultWriter"/>: every result into
/// <c>check_results</c>, every state transition into <c>state_changes</c>. A new target's first state is
/// recorded as a change from UNKNOWN (the monitor did not know it before), set by its first check; a paused
/// target's is MAINT; a target resumed from its stored state (<see cref="Known"/>) records nothing until it
/// really changes. Events of a target whose shard this node no longer owns are discarded, not written.
/// The handlers run on the loop threads: they only queue rows.
/// </summary>
internal sealed class HistoryRecorder(ResultWriter writer, Action touched, OwnedShards? owned = null)
{
    private readonly OwnedShards _owned = owned ?? new OwnedShards();
    private long _discarded;

    // The state last queued for state_changes, per target id. Each target's events come from its one loop.
    private readonly ConcurrentDictionary<long, TargetState> _recorded = new();
    private readonly ConcurrentDictionary<long, byte> _awaitingFirst = new();

    /// <summary>The target's next check (or change) records its first state.</summary>
    public void Expect(long id) => _awaitingFirst[id] = 0;

    /// <summary>The target is gone: forget what was recorded of it.</summary>
    public void Forget(long id)
    {
        _awaitingFirst.TryRemove(id, out _);
        _recorded.TryRemove(id, out _);
    }

    /// <summary>Results and changes of targets this node had just handed over, discarded.</summary>
    public long Discarded => Interlocked.Read(ref _discarded);

    /// <summary>What <c>state_changes</c> already says of a target as it is loaded: a first check that confirms it writes nothing, and MAINT stays one period across restarts.</summary>
    public void Known(long id, TargetState state) => _recorded[id] = state;

    /// <summary>A target loaded paused: no check will run, so its first state is recorded now.</summary>
    public void LoadedPaused(long id, DateTimeOffset at)
    {
        _awaitingFirst.TryRemove(id, out _);
        Transition(id, TargetState.Maint, at, null, "paused");
    }

    public void OnCheckCompleted(TargetCheckResult completed)
    {
        touched();
        if (completed.Id is not { } id || Disowned(id))
        {
            return;
        }

        var result = completed.Result;
        writer.Add(new CheckResultRow(
            id,
            completed.CompletedAt.UtcDateTime,
            result.Code,
            result.Passed,
            (int)Math.Clamp(result.DurationMs, 0, int.MaxValue),
            result.HttpCode is { } code ? (short)code : null,
            result.Info.Length > 0 ? result.Info : null));
        if (_awaitingFirst.TryRemove(id, out _))
        {
            Transition(id, completed.State, completed.CompletedAt, result, result.Description);
        }
    }

    public void OnStateChanged(TargetStateChange change)
    {
        touched();
        if (change.Id is not { } id || Disowned(id))
        {
            return;
        }

        _awaitingFirst.TryRemove(id, out _);
        Transition(id, change.To, change.At, change.Result, change.Reason);
    }

    // A check that ended after its shard was handed over: the new owner writes this target's history now.
    private bool Disowned(long id)
    {
        if (_owned.Holds(id))
        {
            return false;
        }

        Interlocked.Increment(ref _discarded);
        return true;
    }

    private void Transition(long id, TargetState to, DateTimeOffset at, CheckResult? result, string reason)
    {
        var from = _recorded.TryGetValue(id, out var known) ? known : TargetState.Unknown;
        if (from == to)
        {
            return;
        }

        _recorded[id] = to;
        writer.Add(new StateChangeRow(
            id,
            at.UtcDateTime,
            Name(from),
            Name(to),
            result?.Code,
            result is null ? reason : result.Info.Length > 0 ? result.Info : result.Description,
            result is null ? null : (int)Math.Clamp(result.DurationMs, 0, int.MaxValue)));
    }

    public static string Name(TargetState state) => state switch
    {
        TargetState.Up => "UP",
        TargetState.Down => "DOWN",
        TargetState.Maint => "MAINT",
        _ => "UNKNOWN",
    };
}
