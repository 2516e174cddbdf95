using Serilog;

namespace HealthChecker.Core.Faults;

/// <summary>
/// Failures the app survives: each is counted by kind and the last one kept, for <c>/api/status</c> and <c>/metrics</c>, and
/// logged with what it affected. A fault that repeats (a handler that throws on every check) is logged at once, then at most
/// once a <see cref="LogInterval"/> per kind and affected target, saying how many more came since (also when no further one
/// comes to say it); the counts stay exact.
/// Thread-safe: loops, pages and the target sync record here at once.
/// </summary>
public sealed class FaultLog(ILogger log, TimeProvider? clock = null)
{
    /// <summary>The least time between two log lines of one kind and affected target.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    // Past this many kinds and targets held back at once, the rest share one line per kind: the log stays bounded.
    private const int MaxHeldBack = 1024;

    private static readonly FaultKind[] Kinds = Enum.GetValues<FaultKind>();

    private readonly long[] _counts = new long[Kinds.Length];
    private readonly ILogger _log = log.ForContext<FaultLog>();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Dictionary<(FaultKind Kind, string Affected), HeldBack> _heldBack = [];
    private ITimer? _flush;
    private DateTimeOffset _flushAt = DateTimeOffset.MaxValue;
    private Fault? _last;

    /// <summary>Every kind, in label order.</summary>
    public static IReadOnlyList<FaultKind> All => Kinds;

    /// <summary>The label of <paramref name="kind"/> in <c>/metrics</c> and <c>/api/status</c>: <c>check_handler</c>, <c>unreadable_target</c>, <c>page_task</c>.</summary>
    public static string Label(FaultKind kind) => kind switch
    {
        FaultKind.CheckHandler => "check_handler",
        FaultKind.UnreadableTarget => "unreadable_target",
        FaultKind.PageTask => "page_task",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// Counts and keeps one fault, and logs it unless one of the same kind and <paramref name="affected"/> (the target or
    /// handler, when there is one) was logged less than <see cref="LogInterval"/> ago; <paramref name="description"/> names
    /// what was affected.
    /// </summary>
    public void Record(FaultKind kind, string description, Exception? error = null, string? affected = null)
    {
        Interlocked.Increment(ref _counts[(int)kind]);
        var now = _clock.GetUtcNow();
        Volatile.Write(ref _last, new Fault(kind, description, now));
        if (ToLog(kind, affected ?? "", description, error, now) is not { } since)
        {
            return;
        }

        if (since.Suppressed == 0)
        {
            _log.Error(error, "{FaultKind} fault: {Fault}", Label(kind), description);
        }
        else
        {
            _log.Error(error, "{FaultKind} fault: {Fault} ({Suppressed} more since {Since:u} not logged)", Label(kind), description, since.Suppressed, since.LoggedAt);
        }
    }

    /// <summary>
    /// Watches a task nobody awaits (a page's update started from an event): when it fails, the failure is recorded as
    /// a fault of <paramref name="kind"/> naming <paramref name="affected"/>, instead of vanishing with the task.
    /// </summary>
    public void Observe(Task task, FaultKind kind, string affected) =>
        _ = task.ContinueWith(
            t =>
            {
                var error = t.Exception!.GetBaseException();
                // A page closed while its update was queued: nothing was lost.
                if (error is not ObjectDisposedException)
                {
                    Record(kind, $"{affected}: {error.GetType().Name}: {error.Message}", error, affected);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>Faults of <paramref name="kind"/> recorded since start.</summary>
    public long Count(FaultKind kind) => Interlocked.Read(ref _counts[(int)kind]);

    /// <summary>The latest fault, or null when there was none.</summary>
    public Fault? Last => Volatile.Read(ref _last);

    /// <summary>The line before (when, and how many were held back since), or null when this fault is held back too.</summary>
    private HeldBack? ToLog(FaultKind kind, string affected, string description, Exception? error, DateTimeOffset now)
    {
        lock (_heldBack)
        {
            if (_heldBack.Count >= MaxHeldBack && !_heldBack.ContainsKey((kind, affected)))
            {
                Forget(now);
                if (_heldBack.Count >= MaxHeldBack)
                {
                    affected = "";
                }
            }

            if (_heldBack.TryGetValue((kind, affected), out var before) && now - before.LoggedAt < LogInterval)
            {
                _heldBack[(kind, affected)] = before with { Suppressed = before.Suppressed + 1, Last = description, Error = error };
                // Said a minute after the line before, if no further fault comes to say it.
                FlushAt(before.LoggedAt + LogInterval, now);
                return null;
            }

            _heldBack[(kind, affected)] = new HeldBack(now, 0, description, null);
            return before ?? new HeldBack(now, 0, description, null);
        }
    }

    // Lines logged over an interval ago with nothing held back since: the next fault of theirs is logged at once anyway.
    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, held) in _heldBack)
        {
            if (held.Suppressed == 0 && now - held.LoggedAt >= LogInterval)
            {
                _heldBack.Remove(key);
            }
        }
    }

    /// <summary>Logs the faults held back for a whole interval with no further one to say them; stops when none is left.</summary>
    private void Flush()
    {
        var now = _clock.GetUtcNow();
        var due = new List<(FaultKind Kind, HeldBack Held)>();
        lock (_heldBack)
        {
            foreach (var (key, held) in _heldBack)
            {
                if (held.Suppressed > 0 && now - held.LoggedAt >= LogInterval)
                {
                    due.Add((key.Kind, held));
                    _heldBack[key] = new HeldBack(now, 0, held.Last, null);
                }
            }

            _flushAt = DateTimeOffset.MaxValue;
            foreach (var held in _heldBack.Values)
            {
                if (held.Suppressed > 0)
                {
                    FlushAt(held.LoggedAt + LogInterval, now);
                }
            }
        }

        foreach (var (kind, held) in due)
        {
            _log.Error(held.Error, "{FaultKind} fault: {Suppressed} more since {Since:u} not logged, the last: {Fault}", Label(kind), held.Suppressed, held.LoggedAt, held.Last);
        }
    }

    /// <summary>Makes the next flush come by <paramref name="at"/>; under the lock.</summary>
    private void FlushAt(DateTimeOffset at, DateTimeOffset now)
    {
        if (at >= _flushAt)
        {
            return;
        }

        _flushAt = at;
        var due = at > now ? at - now : TimeSpan.Zero;
        if (_flush is null)
        {
            _flush = _clock.CreateTimer(_ => Flush(), null, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _flush.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    // The last fault held back is kept to be named when its count is logged.
    private sealed record HeldBack(DateTimeOffset LoggedAt, long Suppressed, string Last, Exception? Error);
}

/// <summary>One recorded fault: its kind, what it affected and why, and when.</summary>
public sealed record Fault(FaultKind Kind, string Description, DateTimeOffset At);
