using Dapper;
using HealthChecker.Core.Targets;
using Npgsql;
using Serilog;

namespace HealthChecker.Core.Store;

/// <summary>
/// Reads and writes the <c>targets</c> table. Every committed write sends <c>NOTIFY hc_targets_changed</c> with the
/// changed ids (inside its transaction, so only on commit) and then publishes its changes, once, on
/// <see cref="TargetChangeFeed"/>. Writes take their locks in the order <c>db/0060_target_lock_order.sql</c> sets
/// out, and a write that loses a deadlock anyway is run again whole (<see cref="TransactionRetry"/>).
/// </summary>
public sealed class TargetStore(NpgsqlDataSource dataSource, TargetChangeFeed? changes = null, ILogger? log = null) : ITargetPages, ITargetLookup
{
    /// <summary>The channel other processes LISTEN on; the payload is the changed ids, comma-separated (see <see cref="TargetNotices"/>).</summary>
    public const string NotifyChannel = TargetNotices.Channel;

    private readonly TransactionRetry _retry = new(log ?? Serilog.Core.Logger.None);

    internal const string Columns = """
        id AS Id, name AS Name, group_name AS GroupName, kind AS Kind, host AS Host, port AS Port,
        options::text AS Options, inter_ms AS InterMs, fastinter_ms AS FastinterMs, downinter_ms AS DowninterMs,
        timeout_ms AS TimeoutMs, rise AS Rise, fall AS Fall, spread_pct AS SpreadPct, start_up AS StartUp,
        enabled AS Enabled, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    private const string Values = """
        @Name, @GroupName, @Kind, @Host, @Port, @Options::jsonb, @InterMs, @FastinterMs, @DowninterMs, @TimeoutMs,
        @Rise, @Fall, @SpreadPct, @StartUp, @Enabled
        """;

    private const string Insert = $"""
        INSERT INTO targets (name, group_name, kind, host, port, options, inter_ms, fastinter_ms, downinter_ms, timeout_ms,
                             rise, fall, spread_pct, start_up, enabled)
        VALUES ({Values})
        """;

    private const string SetAll = """
        name = @Name, group_name = @GroupName, kind = @Kind, host = @Host, port = @Port, options = @Options::jsonb,
        inter_ms = @InterMs, fastinter_ms = @FastinterMs, downinter_ms = @DowninterMs, timeout_ms = @TimeoutMs,
        rise = @Rise, fall = @Fall, spread_pct = @SpreadPct, start_up = @StartUp, enabled = @Enabled, updated_at = now()
        """;

    /// <summary>Every target, by group then name.</summary>
    public async Task<IReadOnlyList<TargetRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await conn.QueryAsync<TargetRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM targets ORDER BY group_name, name", cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>
    /// One consistent view of every target, to read through more than once a row at a time (the export); the connection
    /// stays open until it is disposed.
    /// </summary>
    public Task<TargetTableSnapshot> OpenSnapshotAsync(CancellationToken ct = default) => TargetTableSnapshot.OpenAsync(dataSource, ct);

    public async Task<int> CountAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition("SELECT count(*)::int FROM targets", cancellationToken: ct)).ConfigureAwait(false);
    }

    // Row comparisons on (group_name, name) walk the unique index from the cursor: no OFFSET, no sort.
    public async Task<IReadOnlyList<TargetRecord>> PageAfterAsync(TargetKey? after, int limit, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var where = after is null ? "" : "WHERE (group_name, name) > (@Group, @Name)";
        var rows = await conn.QueryAsync<TargetRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM targets {where} ORDER BY group_name, name LIMIT @limit",
            new { after?.Group, after?.Name, limit }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }

    public async Task<IReadOnlyList<TargetRecord>> PageBeforeAsync(TargetKey before, int limit, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = (await conn.QueryAsync<TargetRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM targets WHERE (group_name, name) < (@Group, @Name) ORDER BY group_name DESC, name DESC LIMIT @limit",
            new { before.Group, before.Name, limit }, cancellationToken: ct)).ConfigureAwait(false)).AsList();
        rows.Reverse();
        return rows;
    }

    /// <summary>One target, or null when there is none with this id.</summary>
    public async Task<TargetRecord?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await conn.QuerySingleOrDefaultAsync<TargetRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM targets WHERE id = @id", new { id }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>The targets with these ids that exist, by id (one query for a burst of changes, such as an import).</summary>
    public async Task<IReadOnlyDictionary<long, TargetRecord>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await conn.QueryAsync<TargetRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM targets WHERE id = ANY(@ids)", new { ids = ids.ToArray() }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Id);
    }

    /// <summary>Adds a target; throws <see cref="TargetConflictException"/> when its group/name is taken.</summary>
    public async Task<TargetRecord> CreateAsync(TargetDefinition definition, CancellationToken ct = default)
    {
        var row = TargetRow.FromDefinition(definition);
        var created = await WriteAsync($"Adding target {definition.FullName}", definition.FullName, (conn, tx) => conn.QuerySingleAsync<TargetRecord>(new CommandDefinition(
            $"{Insert} RETURNING {Columns}", row, tx, cancellationToken: ct)), r => [r.Id], ct).ConfigureAwait(false);
        Published([new TargetChange(created.Id, TargetChangeKind.Created)]);
        return created;
    }

    /// <summary>
    /// Whether <paramref name="parent"/> is stored, and whether the chain of stored dependencies from it leads to <paramref name="target"/>,
    /// leaving out the row <paramref name="exceptId"/> (the one being saved): a cycle if <paramref name="target"/> depended on <paramref name="parent"/>.
    /// </summary>
    public async Task<(bool Stored, bool LeadsBack)> DependencyAsync(string parent, string target, long? exceptId, CancellationToken ct = default)
    {
        // UNION, not UNION ALL: a cycle already stored (written in SQL) ends the walk instead of looping.
        const string sql = """
            WITH RECURSIVE chain(name) AS (
                SELECT @parent::text
                UNION
                SELECT t.options->>'dependsOn' FROM chain c
                JOIN targets t ON t.group_name || '/' || t.name = c.name
                WHERE t.options ? 'dependsOn' AND t.id IS DISTINCT FROM @exceptId
            )
            SELECT EXISTS (SELECT 1 FROM targets t WHERE t.group_name || '/' || t.name = @parent AND t.id IS DISTINCT FROM @exceptId) AS stored,
                   EXISTS (SELECT 1 FROM chain WHERE name = @target) AS leadsback
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var row = await conn.QuerySingleAsync<DependencyRow>(new CommandDefinition(sql, new { parent, target, exceptId }, cancellationToken: ct)).ConfigureAwait(false);
        return (row.Stored, row.LeadsBack);
    }

    /// <summary>Replaces a target's settings; null when there is no target with this id.</summary>
    public async Task<TargetRecord?> UpdateAsync(long id, TargetDefinition definition, CancellationToken ct = default)
    {
        var row = TargetRow.FromDefinition(definition);
        var parameters = new DynamicParameters(row);
        parameters.Add("Id", id);
        var updated = await WriteAsync($"Updating target {definition.FullName}", definition.FullName, (conn, tx) => conn.QuerySingleOrDefaultAsync<TargetRecord>(new CommandDefinition(
            $"UPDATE targets SET {SetAll} WHERE id = @Id RETURNING {Columns}", parameters, tx, cancellationToken: ct)), r => r is null ? [] : [r.Id], ct).ConfigureAwait(false);
        if (updated is not null)
        {
            Published([new TargetChange(id, TargetChangeKind.Updated)]);
        }

        return updated;
    }

    /// <summary>Removes a target and its history; false when there was none.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken ct = default)
    {
        var deleted = await WriteAsync($"Deleting target {id}", "", async (conn, tx) =>
        {
            await conn.ExecuteAsync(new CommandDefinition("SELECT hc_lock_target_deletes()", transaction: tx, cancellationToken: ct)).ConfigureAwait(false);
            return await conn.ExecuteScalarAsync<long?>(new CommandDefinition(
                "DELETE FROM targets WHERE id = @id RETURNING id", new { id }, tx, cancellationToken: ct)).ConfigureAwait(false);
        }, Found, ct).ConfigureAwait(false);
        if (deleted is null)
        {
            return false;
        }

        Published([new TargetChange(id, TargetChangeKind.Deleted)]);
        return true;
    }

    /// <summary>Pauses (false) or resumes (true) a target; false when there is no target with this id.</summary>
    public async Task<bool> SetEnabledAsync(long id, bool enabled, CancellationToken ct = default)
    {
        var found = await WriteAsync(enabled ? $"Resuming target {id}" : $"Pausing target {id}", "", (conn, tx) => conn.ExecuteScalarAsync<long?>(new CommandDefinition(
            "UPDATE targets SET enabled = @enabled, updated_at = now() WHERE id = @id RETURNING id", new { id, enabled }, tx, cancellationToken: ct)), Found, ct).ConfigureAwait(false);
        if (found is null)
        {
            return false;
        }

        Published([new TargetChange(id, enabled ? TargetChangeKind.Resumed : TargetChangeKind.Paused)]);
        return true;
    }

    /// <summary>
    /// Applies a whole targets file in one transaction, all or none: a target whose group/name exists is
    /// updated (left alone when the file says what is stored already), a new one is added, and with
    /// <paramref name="removeOthers"/> every target not in the file is deleted. Set-based (<see cref="TargetImport"/>).
    /// </summary>
    public Task<ImportResult> ImportAsync(IReadOnlyList<TargetDefinition> definitions, bool removeOthers, CancellationToken ct = default) =>
        ImportAsync(definitions, removeOthers, null, null, ct);

    /// <summary>
    /// As <see cref="ImportAsync(IReadOnlyList{TargetDefinition}, bool, CancellationToken)"/>, with the file's alerting sections in the
    /// same transaction: <paramref name="channels"/> and <paramref name="rules"/> replace the stored ones, each unless null
    /// (the file has no such key). Throws <see cref="AlertSettingsException"/>, saving nothing, when they do not fit the stored ones.
    /// </summary>
    public async Task<ImportResult> ImportAsync(IReadOnlyList<TargetDefinition> definitions, bool removeOthers,
        IReadOnlyList<Alerting.ChannelDefinition>? channels, IReadOnlyList<Alerting.AlertRule>? rules, CancellationToken ct = default)
    {
        var applied = await WriteAsync($"Importing {definitions.Count} targets", "", async (conn, tx) =>
        {
            var done = await TargetImport.ApplyAsync(conn, tx, definitions, removeOthers, ct).ConfigureAwait(false);
            await AlertSettingsWrites.ApplyImportAsync(conn, tx, channels, rules, ct).ConfigureAwait(false);
            return done;
        }, list => list.Select(c => c.Id), ct).ConfigureAwait(false);

        Published(applied);
        var created = applied.Count(c => c.Kind == TargetChangeKind.Created);
        var updated = applied.Count(c => c.Kind == TargetChangeKind.Updated);
        var named = definitions.Select(d => (d.Group, d.Name)).Distinct().Count();
        return new ImportResult(created, updated, applied.Count(c => c.Kind == TargetChangeKind.Deleted), named - created - updated, channels?.Count, rules?.Count);
    }

    /// <summary>
    /// Adds <paramref name="examples"/> once in the life of the database: only at the first call that finds
    /// no <paramref name="settingKey"/> in <c>app_settings</c>, and only if <c>targets</c> is empty then. The key is
    /// recorded either way, in the same transaction, so deleting the examples later does not bring them back.
    /// Returns the targets added (none when it was not the first call or targets existed).
    /// </summary>
    public async Task<IReadOnlyList<TargetRecord>> SeedOnceAsync(string settingKey, IReadOnlyList<TargetDefinition> examples, CancellationToken ct = default)
    {
        var added = await WriteAsync("Adding the example targets", "", async (conn, tx) =>
        {
            // The insert takes the key's row lock: a second instance starting at the same moment waits, then finds it taken.
            var first = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
                "INSERT INTO app_settings (key, value) VALUES (@settingKey, 'pending') ON CONFLICT (key) DO NOTHING RETURNING key",
                new { settingKey }, tx, cancellationToken: ct)).ConfigureAwait(false);
            if (first is null)
            {
                return new List<TargetRecord>();
            }

            var empty = !await conn.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM targets)", transaction: tx, cancellationToken: ct)).ConfigureAwait(false);
            var created = new List<TargetRecord>();
            if (empty)
            {
                foreach (var definition in examples)
                {
                    created.Add(await conn.QuerySingleAsync<TargetRecord>(new CommandDefinition(
                        $"{Insert} RETURNING {Columns}", TargetRow.FromDefinition(definition), tx, cancellationToken: ct)).ConfigureAwait(false));
                }
            }

            await conn.ExecuteAsync(new CommandDefinition(
                "UPDATE app_settings SET value = @value, set_at = now() WHERE key = @settingKey",
                new { settingKey, value = empty ? $"added {created.Count} examples" : "targets existed: none added" }, tx, cancellationToken: ct)).ConfigureAwait(false);
            return created;
        }, list => list.Select(r => r.Id), ct).ConfigureAwait(false);

        Published([.. added.Select(r => new TargetChange(r.Id, TargetChangeKind.Created))]);
        return added;
    }

    // One transaction per attempt, after the targets-write lock; the notices for the changed ids are queued inside it,
    // so listeners hear only of committed changes, and the caller publishes once, after the attempt that committed.
    private Task<T> WriteAsync<T>(string what, string fullName, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> write,
        Func<T, IEnumerable<long>> changedIds, CancellationToken ct) => _retry.RunAsync(what, async attemptCt =>
    {
        await using var conn = await dataSource.OpenConnectionAsync(attemptCt).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(attemptCt).ConfigureAwait(false);
        await conn.ExecuteAsync(new CommandDefinition("SELECT hc_lock_target_writes()", transaction: tx, cancellationToken: attemptCt)).ConfigureAwait(false);
        T result;
        try
        {
            result = await write(conn, tx).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new TargetConflictException(fullName, e);
        }

        await TargetNotices.SendAsync(conn, tx, changedIds(result), attemptCt).ConfigureAwait(false);
        await tx.CommitAsync(attemptCt).ConfigureAwait(false);
        return result;
    }, ct);

    private static IEnumerable<long> Found(long? id) => id is { } found ? [found] : [];

    private void Published(IReadOnlyList<TargetChange> applied) => changes?.Publish(applied);

    private sealed record DependencyRow(bool Stored, bool LeadsBack);
}

/// <summary>
/// What an import did: targets added, changed, deleted, and those the file left as they were; the channels and rules
/// now in force when the file set them (null: it had no such section, the stored ones were left alone).
/// </summary>
public sealed record ImportResult(int Created, int Updated, int Deleted, int Unchanged = 0, int? Channels = null, int? Rules = null);
