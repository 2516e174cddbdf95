using HealthChecker.Core.Targets;
using Npgsql;
using NpgsqlTypes;

namespace HealthChecker.Core.Store;

/// <summary>
/// An import as a few statements, whatever its size: the file's rows go by binary COPY into a temporary table,
/// one update rewrites the stored targets whose settings differ (and no other), one insert adds the new ones in
/// group/name order, and one delete removes the targets the file does not name, locked in id order first. Runs inside the caller's transaction,
/// which holds the targets-write lock (<c>db/0060_target_lock_order.sql</c>).
/// </summary>
internal static class TargetImport
{
    private const string CreateStaging = """
        CREATE TEMPORARY TABLE import_targets (
            ord integer NOT NULL, name text NOT NULL, group_name text NOT NULL, kind text NOT NULL, host text NOT NULL,
            port integer NOT NULL, options jsonb NOT NULL, inter_ms integer NOT NULL, fastinter_ms integer, downinter_ms integer,
            timeout_ms integer, rise integer NOT NULL, fall integer NOT NULL, spread_pct integer NOT NULL,
            start_up boolean NOT NULL, enabled boolean NOT NULL
        ) ON COMMIT DROP
        """;

    private const string Copy = """
        COPY import_targets (ord, name, group_name, kind, host, port, options, inter_ms, fastinter_ms, downinter_ms, timeout_ms,
                             rise, fall, spread_pct, start_up, enabled) FROM STDIN (FORMAT BINARY)
        """;

    private const string Settings = "kind, host, port, options, inter_ms, fastinter_ms, downinter_ms, timeout_ms, rise, fall, spread_pct, start_up, enabled";

    // The file's rows, a name given twice counting once, as it is last given (as if applied in file order).
    private const string Latest = $"""
        SELECT DISTINCT ON (group_name, name) name, group_name, {Settings} FROM import_targets ORDER BY group_name, name, ord DESC
        """;

    // Only the rows whose settings differ are rewritten (and locked). group_name and name are never SET: an update
    // that names a unique column locks the row FOR UPDATE, which would wait for (and block) the FOR KEY SHARE locks
    // of the result writer, the packer and the rollup refresh; as it is, the lock is FOR NO KEY UPDATE.
    private const string Update = $"""
        UPDATE targets t SET
            kind = i.kind, host = i.host, port = i.port, options = i.options, inter_ms = i.inter_ms,
            fastinter_ms = i.fastinter_ms, downinter_ms = i.downinter_ms, timeout_ms = i.timeout_ms, rise = i.rise,
            fall = i.fall, spread_pct = i.spread_pct, start_up = i.start_up, enabled = i.enabled, updated_at = now()
        FROM ({Latest}) i
        WHERE t.group_name = i.group_name AND t.name = i.name
          AND (t.kind, t.host, t.port, t.options, t.inter_ms, t.fastinter_ms, t.downinter_ms, t.timeout_ms, t.rise, t.fall,
               t.spread_pct, t.start_up, t.enabled)
              IS DISTINCT FROM
              (i.kind, i.host, i.port, i.options, i.inter_ms, i.fastinter_ms, i.downinter_ms, i.timeout_ms, i.rise, i.fall,
               i.spread_pct, i.start_up, i.enabled)
        RETURNING t.id
        """;

    // In group/name order, so that the unique index is entered in one order.
    private const string Insert = $"""
        INSERT INTO targets (name, group_name, {Settings})
        SELECT * FROM ({Latest}) i
        WHERE NOT EXISTS (SELECT 1 FROM targets t WHERE t.group_name = i.group_name AND t.name = i.name)
        ORDER BY group_name, name
        RETURNING id
        """;

    private const string Others = """
        SELECT id FROM targets t
        WHERE NOT EXISTS (SELECT 1 FROM import_targets i WHERE i.group_name = t.group_name AND i.name = t.name)
        """;

    private const string DeleteOthers = $"""
        WITH doomed AS MATERIALIZED ({Others} ORDER BY id FOR UPDATE)
        DELETE FROM targets WHERE id IN (SELECT id FROM doomed) RETURNING id
        """;

    /// <summary>The changes made: the targets updated, then those created (in group/name order), then those deleted.</summary>
    public static async Task<List<TargetChange>> ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<TargetDefinition> definitions, bool removeOthers, CancellationToken ct)
    {
        // The file's rows are sorted in memory, not in temporary files.
        await ExecuteAsync(conn, tx, "SET LOCAL work_mem = '64MB'", ct).ConfigureAwait(false);
        await ExecuteAsync(conn, tx, CreateStaging, ct).ConfigureAwait(false);
        await CopyAsync(conn, definitions, ct).ConfigureAwait(false);

        var done = new List<TargetChange>();
        await ReadIdsAsync(conn, tx, Update, TargetChangeKind.Updated, done, ct).ConfigureAwait(false);
        await ReadIdsAsync(conn, tx, Insert, TargetChangeKind.Created, done, ct).ConfigureAwait(false);
        // Deleting waits for a running rollup refresh: not when there is nothing to delete (other writers of targets wait for us).
        if (removeOthers && await ExistsAsync(conn, tx, Others, ct).ConfigureAwait(false))
        {
            await ExecuteAsync(conn, tx, "SELECT hc_lock_target_deletes()", ct).ConfigureAwait(false);
            await ReadIdsAsync(conn, tx, DeleteOthers, TargetChangeKind.Deleted, done, ct).ConfigureAwait(false);
        }

        return done;
    }

    private static async Task CopyAsync(NpgsqlConnection conn, IReadOnlyList<TargetDefinition> definitions, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(Copy, ct).ConfigureAwait(false);
        for (var ord = 0; ord < definitions.Count; ord++)
        {
            var r = TargetRow.FromDefinition(definitions[ord]);
            await copy.StartRowAsync(ct).ConfigureAwait(false);
            await copy.WriteAsync(ord, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.Name, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.GroupName, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.Kind, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.Host, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.Port, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.Options, NpgsqlDbType.Jsonb, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.InterMs, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.FastinterMs, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.DowninterMs, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.TimeoutMs, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.Rise, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.Fall, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.SpreadPct, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.StartUp, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
            await copy.WriteAsync(r.Enabled, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
        }

        await copy.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static async Task ReadIdsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, TargetChangeKind kind, List<TargetChange> done, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            done.Add(new TargetChange(reader.GetInt64(0), kind));
        }
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string query, CancellationToken ct)
    {
        // Not EXISTS: planned for its first row, the anti-join becomes a nested loop over the whole file for every target.
        await using var cmd = new NpgsqlCommand($"SELECT count(*) > 0 FROM ({query}) q", conn, tx);
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
