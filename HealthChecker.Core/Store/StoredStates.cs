using Dapper;
using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>What <c>state_changes</c> last says of each target.</summary>
public static class StoredStates
{
    /// <summary>Each target's latest recorded state (UNKNOWN, UP, DOWN or MAINT), by target id; targets with no change are absent.</summary>
    public static async Task<IReadOnlyDictionary<long, string>> LatestAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await conn.QueryAsync<(long TargetId, string ToState)>(new CommandDefinition("""
            SELECT DISTINCT ON (target_id) target_id, to_state
            FROM state_changes
            ORDER BY target_id, at DESC, id DESC
            """, cancellationToken: ct)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.TargetId, r => r.ToState);
    }
}
