using Dapper;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Targets;
using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>
/// The writes of channels and rules inside a caller's transaction (an import's, or one of <see cref="AlertSettingsStore"/>'s),
/// after <c>hc_lock_alert_writes()</c>. Rows are matched by name, so a channel or rule that keeps its name keeps its id.
/// </summary>
internal static class AlertSettingsWrites
{
    public const string Lock = "SELECT hc_lock_alert_writes()";

    /// <summary>
    /// Applies a targets file's alerting sections: a null section leaves the stored ones as they are, a list replaces
    /// them (rows not in it deleted). Throws <see cref="AlertSettingsException"/> when the result would not hold together.
    /// </summary>
    public static async Task ApplyImportAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<ChannelDefinition>? channels,
        IReadOnlyList<AlertRule>? rules, CancellationToken ct)
    {
        if (channels is null && rules is null)
        {
            return;
        }

        await Execute(conn, tx, Lock, null, ct).ConfigureAwait(false);
        if (rules is not null)
        {
            // Every stored rule is rewritten or deleted: its channel list goes first, so no channel is held by it meanwhile.
            await Execute(conn, tx, "DELETE FROM alert_rules WHERE name <> ALL(@names)", new { names = rules.Select(r => r.Name).ToArray() }, ct).ConfigureAwait(false);
            await Execute(conn, tx, "DELETE FROM alert_rule_channels", null, ct).ConfigureAwait(false);
        }

        if (channels is not null)
        {
            var existing = (await conn.QueryAsync<(long Id, string Name)>(new CommandDefinition(
                "SELECT id, name FROM hc_private.alert_channels", transaction: tx, cancellationToken: ct)).ConfigureAwait(false))
                .ToDictionary(c => c.Name, c => c.Id, StringComparer.Ordinal);
            for (var i = 0; i < channels.Count; i++)
            {
                var id = existing.TryGetValue(channels[i].Name, out var found) ? found : (long?)null;
                await SaveChannelAsync(conn, tx, id, channels[i].Name, channels[i], i + 1, ct).ConfigureAwait(false);
            }

            var names = channels.Select(c => c.Name).ToArray();
            var held = (await conn.QueryAsync<(string Rule, string Channel)>(new CommandDefinition("""
                SELECT r.name, rc.channel_name FROM alert_rule_channels rc JOIN alert_rules r ON r.id = rc.rule_id
                WHERE rc.channel_name <> ALL(@names) ORDER BY r.position, r.id, rc.position
                """, new { names }, tx, cancellationToken: ct)).ConfigureAwait(false)).AsList();
            if (held.Count > 0)
            {
                throw new AlertSettingsException([.. held.Select(h => new TargetError("channels",
                    $"'{EchoedText.Clip(h.Channel)}' is not in the file but the stored rule '{EchoedText.Clip(h.Rule)}' sends to it: add an 'alerts:' section (it replaces the stored rules) or keep the channel"))],
                    conflict: false);
            }

            await Execute(conn, tx, "DELETE FROM hc_private.alert_channels WHERE name <> ALL(@names)", new { names }, ct).ConfigureAwait(false);
        }

        if (rules is not null)
        {
            var existing = (await conn.QueryAsync<(long Id, string Name)>(new CommandDefinition(
                "SELECT id, name FROM alert_rules", transaction: tx, cancellationToken: ct)).ConfigureAwait(false))
                .ToDictionary(r => r.Name, r => r.Id, StringComparer.Ordinal);
            var errors = new List<TargetError>();
            for (var i = 0; i < rules.Count; i++)
            {
                var id = existing.TryGetValue(rules[i].Name, out var found) ? found : (long?)null;
                errors.AddRange(await SaveRuleAsync(conn, tx, id, rules[i], i + 1, $"alerts[{i + 1}] ({EchoedText.Clip(rules[i].Name, 60)}).", ct).ConfigureAwait(false));
            }

            if (errors.Count > 0)
            {
                throw new AlertSettingsException(errors, conflict: false);
            }
        }

        await NotifyAsync(conn, tx, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Inserts (<paramref name="id"/> null) or rewrites a channel; returns its id. A secret sent as the reference an
    /// export writes for a value this channel keeps (under <paramref name="oldName"/> or its new name) keeps that value.
    /// </summary>
    public static async Task<long> SaveChannelAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long? id, string? oldName, ChannelDefinition channel,
        int? position, CancellationToken ct)
    {
        var kept = id is null ? [] : (await conn.QueryAsync<string>(new CommandDefinition(
            "SELECT field FROM hc_private.alert_channel_secrets WHERE channel_id = @id", new { id }, tx, cancellationToken: ct)).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        SecretText Resolve(SecretText secret, string field) =>
            secret.Reference is { } reference && kept.Contains(field)
            && (reference == SecretReferences.StoredName(channel.Name, field) || (oldName is not null && reference == SecretReferences.StoredName(oldName, field)))
                ? SecretText.Kept
                : secret;

        var resolved = channel with
        {
            Headers = [.. channel.Headers.Select(h => h with { Value = Resolve(h.Value, ChannelRow.HeaderField(h.Name)) })],
            Email = channel.Email is { Password: { } password } email ? email with { Password = Resolve(password, ChannelRow.PasswordField) } : channel.Email,
        };
        var (kind, url, settings, values) = ChannelRow.Of(resolved);
        var row = new { id, name = channel.Name, kind, url, settings, position };
        var saved = id is null
            ? await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
                INSERT INTO hc_private.alert_channels (name, kind, url, settings, position)
                VALUES (@name, @kind, @url, @settings::jsonb, coalesce(@position, (SELECT coalesce(max(position), 0) + 1 FROM hc_private.alert_channels)))
                RETURNING id
                """, row, tx, cancellationToken: ct)).ConfigureAwait(false)
            : await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
                UPDATE hc_private.alert_channels SET name = @name, kind = @kind, url = @url, settings = @settings::jsonb,
                    position = coalesce(@position, position), updated_at = now()
                WHERE id = @id RETURNING id
                """, row, tx, cancellationToken: ct)).ConfigureAwait(false);

        var keep = resolved.Headers.Where(h => h.Value.IsKept).Select(h => ChannelRow.HeaderField(h.Name))
            .Concat(resolved.Email?.Password is { IsKept: true } ? [ChannelRow.PasswordField] : []).ToArray();
        await Execute(conn, tx, "DELETE FROM hc_private.alert_channel_secrets WHERE channel_id = @saved AND field <> ALL(@keep)", new { saved, keep }, ct).ConfigureAwait(false);
        if (values.Count > 0)
        {
            await Execute(conn, tx, """
                INSERT INTO hc_private.alert_channel_secrets (channel_id, field, value)
                SELECT @saved, f, v FROM unnest(@fields, @texts) AS x(f, v)
                ON CONFLICT (channel_id, field) DO UPDATE SET value = excluded.value
                """, new { saved, fields = values.Keys.ToArray(), texts = values.Values.ToArray() }, ct).ConfigureAwait(false);
        }

        return saved;
    }

    /// <summary>Inserts or rewrites a rule with its channels; the errors (channels that do not exist, on <paramref name="prefix"/>) instead when any.</summary>
    public static async Task<IReadOnlyList<TargetError>> SaveRuleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long? id, AlertRule rule, int? position,
        string prefix, CancellationToken ct)
    {
        var known = (await conn.QueryAsync<string>(new CommandDefinition(
            "SELECT name FROM hc_private.alert_channels WHERE name = ANY(@names)", new { names = rule.Channels.ToArray() }, tx, cancellationToken: ct)).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        var errors = rule.Channels.Select((c, i) => (c, i)).Where(x => !known.Contains(x.c))
            .Select(x => new TargetError($"{prefix}channels[{x.i + 1}]", $"'{EchoedText.Clip(x.c)}' is not a channel: add the channel first"))
            .ToList();
        if (errors.Count > 0)
        {
            return errors;
        }

        var row = new
        {
            id,
            name = rule.Name,
            targets = rule.Targets,
            after = (long)rule.After.TotalMilliseconds,
            repeat = (long?)rule.Repeat?.TotalMilliseconds,
            resolved = rule.Resolved,
            wait = (long)rule.GroupWait.TotalMilliseconds,
            interval = (long)rule.GroupInterval.TotalMilliseconds,
            position,
        };
        var saved = id is null
            ? await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
                INSERT INTO alert_rules (name, targets, after_ms, repeat_ms, resolved, group_wait_ms, group_interval_ms, position)
                VALUES (@name, @targets, @after, @repeat, @resolved, @wait, @interval, coalesce(@position, (SELECT coalesce(max(position), 0) + 1 FROM alert_rules)))
                RETURNING id
                """, row, tx, cancellationToken: ct)).ConfigureAwait(false)
            : await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
                UPDATE alert_rules SET name = @name, targets = @targets, after_ms = @after, repeat_ms = @repeat, resolved = @resolved,
                    group_wait_ms = @wait, group_interval_ms = @interval, position = coalesce(@position, position), updated_at = now()
                WHERE id = @id RETURNING id
                """, row, tx, cancellationToken: ct)).ConfigureAwait(false);
        await Execute(conn, tx, "DELETE FROM alert_rule_channels WHERE rule_id = @saved", new { saved }, ct).ConfigureAwait(false);
        await Execute(conn, tx, """
            INSERT INTO alert_rule_channels (rule_id, position, channel_name)
            SELECT @saved, n, c FROM unnest(@channels) WITH ORDINALITY AS x(c, n)
            """, new { saved, channels = rule.Channels.ToArray() }, ct).ConfigureAwait(false);
        return [];
    }

    /// <summary>Queues <c>NOTIFY hc_alerts_changed</c> in the transaction: listeners read the settings again once it commits.</summary>
    public static Task NotifyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct) =>
        Execute(conn, tx, $"NOTIFY {AlertSettingsStore.NotifyChannel}", null, ct);

    public static Task Execute(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, object? parameters, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: ct));
}
