using Dapper;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Targets;
using Npgsql;
using Serilog;

namespace HealthChecker.Core.Store;

/// <summary>
/// Reads and writes channels (<c>hc_private.alert_channels</c>, kept secrets beside them) and rules (<c>alert_rules</c>,
/// <c>alert_rule_channels</c>). Every committed write sends <c>NOTIFY hc_alerts_changed</c> (no payload: read everything
/// again). Reads for pages and the API never read a kept secret's value; <see cref="LoadAsync"/>, for sending, does.
/// </summary>
public sealed class AlertSettingsStore(NpgsqlDataSource dataSource, ILogger? log = null) : IAlertSettingsPages
{
    public const string NotifyChannel = "hc_alerts_changed";

    private const string ChannelColumns = """
        id AS Id, name AS Name, kind AS Kind, url AS Url, settings::text AS Settings, position AS Position,
        created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    private const string RuleQuery = """
        SELECT r.id AS Id, r.name AS Name, r.targets AS Targets, r.after_ms AS AfterMs, r.repeat_ms AS RepeatMs, r.resolved AS Resolved,
               r.group_wait_ms AS GroupWaitMs, r.group_interval_ms AS GroupIntervalMs, r.created_at AS CreatedAt, r.updated_at AS UpdatedAt,
               coalesce((SELECT array_agg(rc.channel_name ORDER BY rc.position) FROM alert_rule_channels rc WHERE rc.rule_id = r.id), '{}'::text[]) AS Channels
        FROM alert_rules r
        """;

    private readonly TransactionRetry _retry = new(log ?? Serilog.Core.Logger.None);
    private readonly ILogger _log = (log ?? Serilog.Core.Logger.None).ForContext<AlertSettingsStore>();

    /// <summary>Every channel and rule in force, kept secrets with their values: what the sender needs.</summary>
    public async Task<AlertSettings> LoadAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
        var rows = await ChannelsAsync(conn, tx, "", null, ct).ConfigureAwait(false);
        var secrets = (await conn.QueryAsync<(long ChannelId, string Field, string Value)>(new CommandDefinition(
            "SELECT channel_id, field, value FROM hc_private.alert_channel_secrets", transaction: tx, cancellationToken: ct)).ConfigureAwait(false))
            .ToLookup(s => s.ChannelId);
        var channels = new List<ChannelDefinition>();
        foreach (var row in rows)
        {
            try
            {
                channels.Add(row.ToDefinition(secrets[row.Id].ToDictionary(s => s.Field, s => s.Value, StringComparer.Ordinal)));
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or ArgumentException or NullReferenceException or FormatException or KeyNotFoundException or UriFormatException)
            {
                // Only a row edited by hand in SQL gets here: the others still work, and the log says which one does not.
                _log.Warning("Channel {Channel} (id {ChannelId}) is left out: its stored settings cannot be read ({Reason}); save it again from the API or the page",
                    row.Name, row.Id, e.Message);
            }
        }

        var rules = await RulesAsync(conn, tx, "", null, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new AlertSettings(channels, [.. rules.Select(r => r.Rule)]);
    }

    /// <summary>Every channel in order, kept secrets unread.</summary>
    public async Task<IReadOnlyList<ChannelRow>> ListChannelsAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await ChannelsAsync(conn, null, "", null, ct).ConfigureAwait(false);
    }

    public async Task<ChannelRow?> GetChannelAsync(long id, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return (await ChannelsAsync(conn, null, "WHERE id = @id", new { id }, ct).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<StoredRule>> ListRulesAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await RulesAsync(conn, null, "", null, ct).ConfigureAwait(false);
    }

    public async Task<StoredRule?> GetRuleAsync(long id, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return (await RulesAsync(conn, null, "WHERE r.id = @id", new { id }, ct).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>Adds a channel; <see cref="AlertSettingsException"/> (conflict) when its name is taken.</summary>
    public async Task<ChannelRow> CreateChannelAsync(ChannelDefinition channel, CancellationToken ct = default) =>
        (await WriteAsync($"Adding channel {channel.Name}", channel.Name, async (conn, tx) =>
        {
            var id = await AlertSettingsWrites.SaveChannelAsync(conn, tx, null, null, channel, null, ct).ConfigureAwait(false);
            return (await ChannelsAsync(conn, tx, "WHERE id = @id", new { id }, ct).ConfigureAwait(false)).Single();
        }, ct).ConfigureAwait(false))!;

    /// <summary>Replaces a channel (a new name is followed by the rules that send to it); null when there is none with this id.</summary>
    public Task<ChannelRow?> UpdateChannelAsync(long id, ChannelDefinition channel, CancellationToken ct = default) =>
        WriteAsync($"Updating channel {channel.Name}", channel.Name, async (conn, tx) =>
        {
            var old = (await ChannelsAsync(conn, tx, "WHERE id = @id FOR UPDATE", new { id }, ct).ConfigureAwait(false)).SingleOrDefault();
            if (old is null)
            {
                return null;
            }

            await AlertSettingsWrites.SaveChannelAsync(conn, tx, id, old.Name, channel, null, ct).ConfigureAwait(false);
            return (await ChannelsAsync(conn, tx, "WHERE id = @id", new { id }, ct).ConfigureAwait(false)).Single();
        }, ct);

    /// <summary>Deletes a channel and its kept secrets; false when there was none; <see cref="AlertSettingsException"/> (conflict) while a rule sends to it.</summary>
    public async Task<bool> DeleteChannelAsync(long id, CancellationToken ct = default) =>
        await WriteAsync($"Deleting channel {id}", "", async (conn, tx) =>
        {
            var rules = (await conn.QueryAsync<string>(new CommandDefinition("""
                SELECT r.name FROM alert_rule_channels rc JOIN alert_rules r ON r.id = rc.rule_id
                JOIN hc_private.alert_channels c ON c.name = rc.channel_name WHERE c.id = @id ORDER BY r.position, r.id
                """, new { id }, tx, cancellationToken: ct)).ConfigureAwait(false)).AsList();
            if (rules.Count > 0)
            {
                throw new AlertSettingsException([new TargetError("name",
                    $"is used by the rule{(rules.Count > 1 ? "s" : "")} {string.Join(", ", rules.Select(r => $"'{EchoedText.Clip(r)}'"))}: change or delete {(rules.Count > 1 ? "them" : "it")} first")], conflict: true);
            }

            return await conn.ExecuteAsync(new CommandDefinition("DELETE FROM hc_private.alert_channels WHERE id = @id", new { id }, tx, cancellationToken: ct)).ConfigureAwait(false) > 0
                ? (object)true
                : null;
        }, ct).ConfigureAwait(false) is not null;

    /// <summary>Adds a rule; <see cref="AlertSettingsException"/> when its name is taken (conflict) or a channel it names does not exist.</summary>
    public async Task<StoredRule> CreateRuleAsync(AlertRule rule, CancellationToken ct = default) =>
        (await WriteAsync($"Adding rule {rule.Name}", rule.Name, (conn, tx) => SaveRuleAsync(conn, tx, null, rule, ct), ct).ConfigureAwait(false))!;

    /// <summary>Replaces a rule; null when there is none with this id.</summary>
    public Task<StoredRule?> UpdateRuleAsync(long id, AlertRule rule, CancellationToken ct = default) =>
        WriteAsync($"Updating rule {rule.Name}", rule.Name, async (conn, tx) =>
            await conn.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT id FROM alert_rules WHERE id = @id FOR UPDATE", new { id }, tx, cancellationToken: ct)).ConfigureAwait(false) is null
                ? null
                : await SaveRuleAsync(conn, tx, id, rule, ct).ConfigureAwait(false), ct);

    public async Task<bool> DeleteRuleAsync(long id, CancellationToken ct = default) =>
        await WriteAsync($"Deleting rule {id}", "", async (conn, tx) =>
            await conn.ExecuteAsync(new CommandDefinition("DELETE FROM alert_rules WHERE id = @id", new { id }, tx, cancellationToken: ct)).ConfigureAwait(false) > 0
                ? (object)true
                : null, ct).ConfigureAwait(false) is not null;

    private async Task<StoredRule?> SaveRuleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long? id, AlertRule rule, CancellationToken ct)
    {
        var errors = await AlertSettingsWrites.SaveRuleAsync(conn, tx, id, rule, null, "", ct).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            throw new AlertSettingsException(errors, conflict: false);
        }

        return (await RulesAsync(conn, tx, "WHERE r.name = @name", new { name = rule.Name }, ct).ConfigureAwait(false)).Single();
    }

    // One transaction per attempt, after the alert-write lock; the notice is queued inside it, so listeners hear only of committed changes.
    private Task<T?> WriteAsync<T>(string what, string name, Func<NpgsqlConnection, NpgsqlTransaction, Task<T?>> write, CancellationToken ct)
        where T : class => _retry.RunAsync(what, async attemptCt =>
    {
        await using var conn = await dataSource.OpenConnectionAsync(attemptCt).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(attemptCt).ConfigureAwait(false);
        await AlertSettingsWrites.Execute(conn, tx, AlertSettingsWrites.Lock, null, attemptCt).ConfigureAwait(false);
        T? result;
        try
        {
            result = await write(conn, tx).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new AlertSettingsException([new TargetError("name", $"'{EchoedText.Clip(name)}' is already the name of another one")], conflict: true);
        }

        if (result is not null)
        {
            await AlertSettingsWrites.NotifyAsync(conn, tx, attemptCt).ConfigureAwait(false);
        }

        await tx.CommitAsync(attemptCt).ConfigureAwait(false);
        return result;
    }, ct);

    private static async Task<IReadOnlyList<ChannelRow>> ChannelsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string where, object? parameters, CancellationToken ct) =>
        (await conn.QueryAsync<ChannelRow>(new CommandDefinition(
            $"SELECT {ChannelColumns} FROM hc_private.alert_channels {where} {(where.Contains("FOR UPDATE", StringComparison.Ordinal) ? "" : "ORDER BY position, id")}",
            parameters, tx, cancellationToken: ct)).ConfigureAwait(false)).AsList();

    private static async Task<IReadOnlyList<StoredRule>> RulesAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string where, object? parameters, CancellationToken ct)
    {
        var rows = await conn.QueryAsync<RuleRow>(new CommandDefinition($"{RuleQuery} {where} ORDER BY r.position, r.id", parameters, tx, cancellationToken: ct)).ConfigureAwait(false);
        return [.. rows.Select(r => new StoredRule(r.Id, new AlertRule(r.Name, r.Targets, r.Channels, TimeSpan.FromMilliseconds(r.AfterMs),
            r.RepeatMs is { } repeat ? TimeSpan.FromMilliseconds(repeat) : null, r.Resolved, TimeSpan.FromMilliseconds(r.GroupWaitMs),
            TimeSpan.FromMilliseconds(r.GroupIntervalMs)), r.CreatedAt, r.UpdatedAt))];
    }

// Properties, not a record: Npgsql reports the text[] column as System.Array, which no constructor of Dapper's matching takes.
    private sealed class RuleRow
    {
        public long Id { get; init; }

        public string Name { get; init; } = "";

        public string Targets { get; init; } = "";

        public long AfterMs { get; init; }

        public long? RepeatMs { get; init; }

        public bool Resolved { get; init; }

        public long GroupWaitMs { get; init; }

        public long GroupIntervalMs { get; init; }

        public DateTime CreatedAt { get; init; }

        public DateTime UpdatedAt { get; init; }

        public string[] Channels { get; init; } = [];
    }
}
