using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>
/// <c>NOTIFY hc_state_changes</c>: sent by the results writer in the transaction that stores state changes, so every node
/// hears on commit which targets changed state (the payload as <see cref="TargetNotices"/> writes it: ids, comma-separated).
/// </summary>
public static class StateChangeNotices
{
    public const string Channel = "hc_state_changes";

    /// <summary>Queues the notices of the changed targets in <paramref name="tx"/>; listeners hear them when it commits.</summary>
    public static Task SendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IEnumerable<StateChangeRow> changes, CancellationToken ct) =>
        TargetNotices.SendAsync(conn, tx, Channel, changes.Select(c => c.TargetId).Distinct(), ct);
}
