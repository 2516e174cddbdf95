using HealthChecker.Core.Targets;
using Npgsql;
using NpgsqlTypes;

namespace HealthChecker.Core.Store;

/// <summary>
/// An import as three statements, whatever its size: the file's rows go by binary COPY into a temporary table,
/// one upsert applies them (in group/name order, changing only the rows whose settings differ), and one delete
/// removes the targets the file does not name, locked in id order first. Runs inside the caller's transaction,
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

    // group_name and name are never SET: an update that names a unique column locks the row FOR UPDATE, which would
    // wait for (and block) the FOR KEY SHARE locks of the result writer, the packer and the rollup refresh.
    // xmax = 0 only for a freshly inserted row: tells an insert from an update in one statement.
    // A name given twice: the last one wins, as if applied in file order.
    private const string Upsert = $"""
        INSERT INTO targets AS t (name, group_name, {Settings})
        SELECT DISTINCT ON (group_name, name) name, group_name, {Settings}
        FROM import_targets
        ORDER BY group_name, name, ord DESC
        ON CONFLICT (group_name, name) DO UPDATE SET
            kind = EXCLUDED.kind, host = EXCLUDED.host, port = EXCLUDED.port, options = EXCLUDED.options,
            inter_ms = EXCLUDED.inter_ms, fastinter_ms = EXCLUDED.fastinter_ms, downinter_ms = EXCLUDED.downinter_ms,
            timeout_ms = EXCLUDED.timeout_ms, rise = EXCLUDED.rise, fall = EXCLUDED.fall, spread_pct = EXCLUDED.spread_pct,
            start_up = EXCLUDED.start_up, enabled = EXCLUDED.enabled, updated_at = now()
        WHERE (t.kind, t.host, t.port, t.options, t.inter_ms, t.fastinter_ms, t.downinter_ms, t.timeout_ms, t.rise, t.fall,
               t.spread_pct, t.start_up, t.enabled)
              IS DISTINCT FROM
              (EXCLUDED.kind, EXCLUDED.host, EXCLUDED.port, EXCLUDED.options, EXCLUDED.inter_ms, EXCLUDED.fastinter_ms,
               EXCLUDED.downinter_ms, EXCLUDED.timeout_ms, EXCLUDED.rise, EXCLUDED.fall, EXCLUDED.spread_pct, EXCLUDED.start_up,
               EXCLUDED.enabled)
        RETURNING id, (xmax = 0)
        """;

    private const string DeleteOthers = """
        WITH doomed AS MATERIALIZED (
            SELECT id FROM targets t
            WHERE NOT EXISTS (SELECT 1 FROM import_targets i WHERE i.group_name = t.group_name AND i.name = t.name)
            ORDER BY id
            FOR UPDATE
        )
        DELETE FROM targets WHERE id IN (SELECT id FROM doomed) RETURNING id
        """;

    /// <summary>The changes made: created and updated targets in group/name order, then the deleted ones.</summary>
    public static async Task<List<TargetChange>> ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<TargetDefinition> definitions, bool removeOthers, CancellationToken ct)
    {
        await ExecuteAsync(conn, tx, CreateStaging, ct).ConfigureAwait(false);
        await CopyAsync(conn, definitions, ct).ConfigureAwait(false);
        // Statistics, so that the upsert and the anti-join below are planned for the file's real size.
        await ExecuteAsync(conn, tx, "ANALYZE import_targets", ct).ConfigureAwait(false);

        var done = new List<TargetChange>();
        await using (var upsert = new NpgsqlCommand(Upsert, conn, tx))
        await using (var reader = await upsert.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                done.Add(new TargetChange(reader.GetInt64(0), reader.GetBoolean(1) ? TargetChangeKind.Created : TargetChangeKind.Updated));
            }
        }

        if (removeOthers)
        {
            await ExecuteAsync(conn, tx, "SELECT hc_lock_target_deletes()", ct).ConfigureAwait(false);
            await using var delete = new NpgsqlCommand(DeleteOthers, conn, tx);
            await using var reader = await delete.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                done.Add(new TargetChange(reader.GetInt64(0), TargetChangeKind.Deleted));
            }
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

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
