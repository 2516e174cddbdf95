using System.Data;
using Dapper;
using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>
/// One consistent view of the <c>targets</c> table (a read-only repeatable-read transaction) that can be read through more
/// than once, a row at a time: the export reads it first for the targets it must leave out, then writes the rest.
/// </summary>
public sealed class TargetTableSnapshot : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private TargetTableSnapshot(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        (_connection, _transaction) = (connection, transaction);

    internal static async Task<TargetTableSnapshot> OpenAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
            await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
            {
                await readOnly.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return new TargetTableSnapshot(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Every target, by group then name, as the rows arrive; the same rows each time.</summary>
    public async IAsyncEnumerable<TargetRecord> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var rows = _connection.QueryUnbufferedAsync<TargetRecord>($"SELECT {TargetStore.Columns} FROM targets ORDER BY group_name, name", transaction: _transaction);
        await foreach (var row in rows.WithCancellation(ct).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
