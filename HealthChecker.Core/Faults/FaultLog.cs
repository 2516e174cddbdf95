using Serilog;

namespace HealthChecker.Core.Faults;

/// <summary>
/// Failures the app survives: each is logged with what it affected, counted by kind, and the last one kept, for
/// <c>/api/status</c> and <c>/metrics</c>. Thread-safe: loops, pages and the target sync record here at once.
/// </summary>
public sealed class FaultLog(ILogger log)
{
    private static readonly FaultKind[] Kinds = Enum.GetValues<FaultKind>();

    private readonly long[] _counts = new long[Kinds.Length];
    private readonly ILogger _log = log.ForContext<FaultLog>();
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

    /// <summary>Logs, counts and keeps one fault; <paramref name="description"/> names what was affected.</summary>
    public void Record(FaultKind kind, string description, Exception? error = null)
    {
        _log.Error(error, "{FaultKind} fault: {Fault}", Label(kind), description);
        Interlocked.Increment(ref _counts[(int)kind]);
        Volatile.Write(ref _last, new Fault(kind, description, DateTimeOffset.UtcNow));
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
                    Record(kind, $"{affected}: {error.GetType().Name}: {error.Message}", error);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>Faults of <paramref name="kind"/> recorded since start.</summary>
    public long Count(FaultKind kind) => Interlocked.Read(ref _counts[(int)kind]);

    /// <summary>The latest fault, or null when there was none.</summary>
    public Fault? Last => Volatile.Read(ref _last);
}

/// <summary>One recorded fault: its kind, what it affected and why, and when.</summary>
public sealed record Fault(FaultKind Kind, string Description, DateTimeOffset At);
