using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Scheduling;
using Npgsql;

namespace HealthChecker.Web.Alerting;

/// <summary>
/// What a node's alerting goes on from when targets move between nodes: at its start, what was told of the targets it checks;
/// later, what was told of each target it takes over, read just before the target is added (docs/cluster.md).
/// </summary>
internal static class TakenOverAlerts
{
    /// <summary>
    /// The told and pending states of targets this node's engine holds: another node's are its own to remind of and resolve,
    /// and are read when a target comes here.
    /// </summary>
    public static IReadOnlyList<NotifiedState> CheckedHere(IEnumerable<NotifiedState> told, TargetScheduler scheduler) =>
        [.. told.Where(t => scheduler.Find(t.Target) is not null)];

    /// <summary>How long a node letting targets go waits for what its alerting decided of them to be stored (the release wait is 5 s).</summary>
    public static readonly TimeSpan StoreLimit = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The hook run once targets were handed over, before their new owner is told they were let go: every observation of them
    /// queued so far is decided, and every record of the outbox queued by then stored, so the new owner reads what was told.
    /// Bounded by <paramref name="limit"/> (<see cref="StoreLimit"/>): with PostgreSQL away the new owner goes on without it.
    /// </summary>
    public static Func<CancellationToken, Task> Storing(AlertEvaluator evaluator, NotificationOutbox outbox, Serilog.ILogger log, TimeSpan? limit = null) =>
        async ct =>
        {
            var bound = limit ?? StoreLimit;
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(bound);
            try
            {
                await evaluator.DecidedAsync(bounded.Token).ConfigureAwait(false);
                await outbox.StoredAsync(bounded.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                log.Warning("What alerting decided of targets handed over was not stored within {Limit} s: their new owner may tell an alert of them again",
                    bound.TotalSeconds);
            }
        };

    /// <summary>The hook run before targets are added to the engine: their stored states read in one query and queued to the evaluator first.</summary>
    /// <param name="evaluator">The evaluator, once it runs.</param>
    /// <param name="dataSource">Where the states are read.</param>
    /// <param name="adopted">Given the states read (the Alertmanager channels re-send them from here on).</param>
    public static Func<IReadOnlyList<string>, CancellationToken, Task> Adoption(Func<CancellationToken, Task<AlertEvaluator>> evaluator, NpgsqlDataSource dataSource,
        Action<IReadOnlyList<NotifiedState>>? adopted = null) =>
        async (targets, ct) =>
        {
            var started = await evaluator(ct).ConfigureAwait(false);
            var told = await OutboxStore.ToldAsync(dataSource, targets, ct).ConfigureAwait(false);
            adopted?.Invoke(told);
            started.Adopt(targets, told);
        };
}
