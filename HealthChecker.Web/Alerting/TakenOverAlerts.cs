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
