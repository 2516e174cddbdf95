using Dapper;
using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>Reads and writes the <c>targets</c> table.</summary>
public sealed class TargetStore(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        id AS Id, name AS Name, group_name AS GroupName, kind AS Kind, host AS Host, port AS Port,
        options::text AS Options, inter_ms AS InterMs, fastinter_ms AS FastinterMs, downinter_ms AS DowninterMs,
        timeout_ms AS TimeoutMs, rise AS Rise, fall AS Fall, spread_pct AS SpreadPct, start_up AS StartUp,
        enabled AS Enabled, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    /// <summary>Every target, by group then name.</summary>
    public async Task<IReadOnlyList<TargetRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await conn.QueryAsync<TargetRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM targets ORDER BY group_name, name", cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }
}
