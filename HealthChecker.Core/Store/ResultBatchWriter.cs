using Npgsql;
using NpgsqlTypes;

namespace HealthChecker.Core.Store;

/// <summary>
/// Writes one <see cref="ResultBatch"/> in one transaction: binary COPY into check_results and state_changes (with
/// <c>NOTIFY hc_state_changes</c> naming the changed targets, heard on commit). With a
/// <see cref="MembershipFence"/>, the transaction first reads this node's membership row FOR SHARE and writes nothing
/// unless it is Active (<see cref="FencedOutException"/>).
/// </summary>
internal static class ResultBatchWriter
{
    private const string CopyResults =
        "COPY check_results (target_id, checked_at, status, passed, duration_ms, http_code, info) FROM STDIN (FORMAT BINARY)";

    private const string CopyChanges =
        "COPY state_changes (target_id, at, from_state, to_state, status, info, duration_ms) FROM STDIN (FORMAT BINARY)";

    /// <summary>Returns what was stored, the results skipped and the count of state changes skipped (their target is gone).</summary>
    public static async Task<((int Results, int Changes) Written, List<CheckResultRow> SkippedResults, int SkippedChanges)> WriteAsync(
        NpgsqlDataSource dataSource, ResultBatch batch, MembershipFence? fence, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);

        if (batch.MayBeStored && await IsRecordedAsync(conn, tx, batch.Id, ct).ConfigureAwait(false))
        {
            return ((batch.Results.Count, batch.Changes.Count), [], 0);
        }

        // Pass the fence, lock the targets still there against deletion until commit (a deletion waits,
        // then deletes these results with its target), and record the batch, in one round trip.
        var existing = await LockTargetsAndRecordAsync(conn, tx, batch, fence, ct).ConfigureAwait(false);
        var results = batch.Results.Where(r => existing.Contains(r.TargetId)).ToList();
        var skipped = batch.Results.Count == results.Count ? [] : batch.Results.Where(r => !existing.Contains(r.TargetId)).ToList();
        var changes = batch.Changes.Where(c => existing.Contains(c.TargetId)).ToList();
        if (results.Count != batch.Results.Count || changes.Count != batch.Changes.Count)
        {
            await using var correct = new NpgsqlCommand("UPDATE result_batches SET results = $2, changes = $3 WHERE id = $1", conn, tx);
            correct.Parameters.Add(new NpgsqlParameter { Value = batch.Id });
            correct.Parameters.Add(new NpgsqlParameter { Value = results.Count });
            correct.Parameters.Add(new NpgsqlParameter { Value = changes.Count });
            await correct.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        if (results.Count > 0)
        {
            await CopyResultsAsync(conn, results, ct).ConfigureAwait(false);
        }

        if (changes.Count > 0)
        {
            await CopyChangesAsync(conn, changes, ct).ConfigureAwait(false);
            // Every node's dashboard hears of them on commit.
            await StateChangeNotices.SendAsync(conn, tx, changes, ct).ConfigureAwait(false);
        }

        try
        {
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not PostgresException)
        {
            // The server may have committed before the connection broke: we cannot tell from here.
            batch.MayBeStored = true;
            throw;
        }

        return ((results.Count, changes.Count), skipped, batch.Changes.Count - changes.Count);
    }

    private static async Task<bool> IsRecordedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM result_batches WHERE id = $1", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
    }

    private static async Task<HashSet<long>> LockTargetsAndRecordAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, ResultBatch batch, MembershipFence? fence, CancellationToken ct)
    {
        var ids = batch.Results.Select(r => r.TargetId).Concat(batch.Changes.Select(c => c.TargetId)).Distinct().Order().ToArray();
        var existing = new HashSet<long>();
        await using var cmd = new NpgsqlBatch(conn, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT id FROM targets WHERE id = ANY($1) ORDER BY id FOR KEY SHARE") { Parameters = { new() { Value = ids } } },
                // The counts as sent; corrected in the rare batch that holds results of deleted targets.
                new NpgsqlBatchCommand("INSERT INTO result_batches (id, results, changes) VALUES ($1, $2, $3)")
                {
                    Parameters = { new() { Value = batch.Id }, new() { Value = batch.Results.Count }, new() { Value = batch.Changes.Count } },
                },
            },
        };
        if (fence is not null)
        {
            // First: a node declaring this one Dead waits for this transaction, and this one sees the row as it ends up.
            cmd.BatchCommands.Insert(0, fence.Command());
        }

        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (fence is not null)
        {
            await fence.PassAsync(reader, ct).ConfigureAwait(false);
            await reader.NextResultAsync(ct).ConfigureAwait(false);
        }

        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            existing.Add(reader.GetInt64(0));
        }

        return existing;
    }

    private static async Task CopyResultsAsync(NpgsqlConnection conn, List<CheckResultRow> rows, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(CopyResults, ct).ConfigureAwait(false);
        foreach (var r in rows)
        {
            await copy.StartRowAsync(ct).ConfigureAwait(false);
            await copy.WriteAsync(r.TargetId, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.CheckedAt, NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.Status, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.Passed, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.DurationMs, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await WriteNullableAsync(copy, r.HttpCode, NpgsqlDbType.Smallint, ct).ConfigureAwait(false);
            await WriteNullableAsync(copy, r.Info, NpgsqlDbType.Text, ct).ConfigureAwait(false);
        }

        await copy.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static async Task CopyChangesAsync(NpgsqlConnection conn, List<StateChangeRow> rows, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(CopyChanges, ct).ConfigureAwait(false);
        foreach (var c in rows)
        {
            await copy.StartRowAsync(ct).ConfigureAwait(false);
            await copy.WriteAsync(c.TargetId, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            await copy.WriteAsync(c.At, NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
            await copy.WriteAsync(c.FromState, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await copy.WriteAsync(c.ToState, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await WriteNullableAsync(copy, c.Status, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await WriteNullableAsync(copy, c.Info, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await WriteNullableAsync(copy, c.DurationMs, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
        }

        await copy.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) where T : struct =>
        value is { } v ? copy.WriteAsync(v, type, ct) : copy.WriteNullAsync(ct);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is not null ? copy.WriteAsync(value, type, ct) : copy.WriteNullAsync(ct);
}
