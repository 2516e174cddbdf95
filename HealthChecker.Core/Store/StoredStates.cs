using Dapper;
using HealthChecker.Core.Health;
using HealthChecker.Core.Scheduling;
using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>What <c>state_changes</c> and <c>check_results</c> last say of each target.</summary>
public static class StoredStates
{
    /// <summary>
    /// Where each of these targets stood, in one query for the whole burst: its latest recorded state and the end of its
    /// latest stored check since <paramref name="since"/> (older checks do not delay anything, and the bound keeps the
    /// read to the newest partitions). Targets the store knows nothing of are absent.
    /// </summary>
    public static async Task<IReadOnlyDictionary<long, ResumedHealth>> ResumeAsync(NpgsqlDataSource dataSource, IReadOnlyCollection<long> ids,
        DateTimeOffset since, CancellationToken ct = default)
    {
        if (ids.Count == 0)
        {
            return new Dictionary<long, ResumedHealth>();
        }

        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await conn.QueryAsync<(long Id, string? State, DateTime? LastCheckAt)>(new CommandDefinition("""
            SELECT i.id,
                   (SELECT s.to_state FROM state_changes s WHERE s.target_id = i.id ORDER BY s.at DESC, s.id DESC LIMIT 1),
                   (SELECT c.checked_at FROM check_results c WHERE c.target_id = i.id AND c.checked_at >= @since
                    ORDER BY c.checked_at DESC LIMIT 1)
            FROM unnest(@ids) AS i(id)
            """, new { ids = ids.ToArray(), since = since.UtcDateTime }, cancellationToken: ct)).ConfigureAwait(false);
        return rows
            .Where(r => r.State is not null || r.LastCheckAt is not null)
            .ToDictionary(
                r => r.Id,
                r => new ResumedHealth(Parse(r.State), r.LastCheckAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null));
    }

    /// <summary>A <c>state_changes</c> state as the engine's.</summary>
    public static TargetState Parse(string? state) => state switch
    {
        "UP" => TargetState.Up,
        "DOWN" => TargetState.Down,
        "MAINT" => TargetState.Maint,
        _ => TargetState.Unknown,
    };
}
