using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using HealthChecker.Core.Store;

namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// The outbox and the notified states in PostgreSQL (<c>hc_private</c>): read back at start, written in one
/// transaction per batch. Every write is an upsert of the latest state, so a batch retried after an outage
/// stores each row once.
/// </summary>
public static class OutboxStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What the channels were told (the DOWN states), the alerts held but not told yet (PENDING) and the messages still to deliver, oldest first.</summary>
    public static Task<(IReadOnlyList<NotifiedState> Told, IReadOnlyList<OutboxRow> Queued)> LoadAsync(NpgsqlDataSource dataSource, CancellationToken ct = default) =>
        LoadAsync(dataSource, new OutboxClaim(OutboxClaim.ThisProcess, OutboxClaim.DefaultLease), ct);

    /// <summary>As above; the queued messages are those <paramref name="claim"/> takes (see <see cref="ClaimAsync"/>).</summary>
    public static async Task<(IReadOnlyList<NotifiedState> Told, IReadOnlyList<OutboxRow> Queued)> LoadAsync(NpgsqlDataSource dataSource, OutboxClaim claim, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var told = await conn.QueryAsync<ToldRow>(
            new CommandDefinition("""
                SELECT rule, channel, target, state, since, code, info, notified_at AS NotifiedAt, message_id AS MessageId
                FROM hc_private.notified_states WHERE state IN ('DOWN', 'PENDING')
                """, cancellationToken: ct)).ConfigureAwait(false);
        return (told.Select(Told).ToList(), await ClaimAsync(conn, claim, includeOwn: true, ct).ConfigureAwait(false));
    }

    /// <summary>What the channels were told (DOWN) and what is decided but not told (PENDING) of these targets now, in one read.</summary>
    public static async Task<IReadOnlyList<NotifiedState>> ToldAsync(NpgsqlDataSource dataSource, IReadOnlyCollection<string> targets, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var told = await conn.QueryAsync<ToldRow>(
            new CommandDefinition("""
                SELECT rule, channel, target, state, since, code, info, notified_at AS NotifiedAt, message_id AS MessageId
                FROM hc_private.notified_states WHERE state IN ('DOWN', 'PENDING') AND target = ANY(@targets)
                """, new { targets = targets.ToArray() }, cancellationToken: ct)).ConfigureAwait(false);
        return told.Select(Told).ToList();
    }

    private static NotifiedState Told(ToldRow t) =>
        new(t.Rule, t.Channel, t.Target, t.State == "DOWN", Utc(t.Since), t.Code, t.Info, Utc(t.NotifiedAt), t.MessageId) { Pending = t.State == "PENDING" };

    /// <summary>
    /// Claims for <paramref name="claim"/>'s owner the queued messages of others no live process holds (unclaimed, or their
    /// lease over), oldest first; its own are in its memory already. Rows another claimer is taking are skipped, not waited for.
    /// </summary>
    public static async Task<IReadOnlyList<OutboxRow>> ClaimAsync(NpgsqlDataSource dataSource, OutboxClaim claim, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await ClaimAsync(conn, claim, includeOwn: false, ct).ConfigureAwait(false);
    }

    /// <summary>Extends the lease of what <paramref name="claim"/>'s owner holds; how many queued messages it still holds.</summary>
    public static async Task<int> RenewAsync(NpgsqlDataSource dataSource, OutboxClaim claim, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE hc_private.notification_outbox SET claimed_until = now() + @lease
            WHERE claimed_by = @owner AND delivery = 'queued'
            """, new { owner = claim.Owner, lease = claim.Lease }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Gives up what <paramref name="claim"/>'s owner holds (a graceful stop): another process takes it at once.</summary>
    public static async Task ReleaseAsync(NpgsqlDataSource dataSource, OutboxClaim claim, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await conn.ExecuteAsync(new CommandDefinition(
            "UPDATE hc_private.notification_outbox SET claimed_until = now() WHERE claimed_by = @owner AND delivery = 'queued'",
            new { owner = claim.Owner }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary><paramref name="includeOwn"/>: at start, the owner's own rows too (a restart under the same name takes them back at once).</summary>
    private static async Task<IReadOnlyList<OutboxRow>> ClaimAsync(NpgsqlConnection conn, OutboxClaim claim, bool includeOwn, CancellationToken ct)
    {
        var queued = await conn.QueryAsync<(string Message, int Attempts, DateTime? NextTryAt, DateTime? LastAttemptAt, string? LastAnswer)>(
            new CommandDefinition("""
                WITH free AS (
                    SELECT id FROM hc_private.notification_outbox
                    WHERE delivery = 'queued'
                      AND CASE WHEN claimed_by IS NOT DISTINCT FROM @owner THEN @includeOwn ELSE (claimed_until IS NULL OR claimed_until < now()) END
                    ORDER BY created_at, id
                    FOR UPDATE SKIP LOCKED)
                UPDATE hc_private.notification_outbox o SET claimed_by = @owner, claimed_until = now() + @lease
                FROM free WHERE o.id = free.id
                RETURNING o.message::text, o.attempts, o.next_try_at, o.last_attempt_at, o.last_answer
                """, new { owner = claim.Owner, lease = claim.Lease, includeOwn }, cancellationToken: ct)).ConfigureAwait(false);
        return queued.Select(q => new OutboxRow(
            JsonSerializer.Deserialize<AlertMessage>(q.Message, Json) ?? throw new InvalidDataException("An outbox message is empty."),
            DeliveryState.Queued, q.Attempts, Utc(q.NextTryAt), Utc(q.LastAttemptAt), q.LastAnswer, null))
            .OrderBy(r => r.Message.CreatedAt).ThenBy(r => r.Message.Id).ToList();
    }

    // The id and delivery columns of a row: all an update of a stored message sets.
    private static DynamicParameters DeliveryOf(OutboxRow row) => new(new
    {
        row.Message.Id,
        row.Delivery,
        row.Attempts,
        NextTryAt = row.NextTryAt?.UtcDateTime,
        LastAttemptAt = row.LastAttemptAt?.UtcDateTime,
        row.LastAnswer,
        DeliveredAt = row.DeliveredAt?.UtcDateTime,
    });

    // What a new message's row adds to its delivery columns.
    private static DynamicParameters WithMessage(DynamicParameters delivery, AlertMessage m, OutboxClaim claim)
    {
        delivery.AddDynamicParams(new
        {
            ClaimedBy = claim.Owner,
            ClaimLease = claim.Lease,
            m.Rule,
            m.Channel,
            m.GroupKey,
            m.Status,
            Targets = m.Alerts.Select(a => a.Target).ToArray(),
            Firing = m.FiringCount,
            Resolved = m.ResolvedCount,
            CreatedAt = m.CreatedAt.UtcDateTime,
            Message = JsonSerializer.Serialize(m, Json),
        });
        return delivery;
    }

    /// <summary>
    /// Stores the rows and notified states in one transaction (inserted, or updated to what they say now). The rows of
    /// <paramref name="stored"/> are known to be there: only their delivery is updated, their message is not sent again.
    /// With a <paramref name="fence"/>, nothing is stored unless this node is still an Active member: <see cref="FencedOutException"/>.
    /// </summary>
    public static async Task WriteAsync(NpgsqlDataSource dataSource, IReadOnlyList<OutboxRow> rows, IReadOnlyList<NotifiedState> told,
        CancellationToken ct = default, IReadOnlySet<Guid>? stored = null, OutboxClaim? claim = null, MembershipFence? fence = null)
    {
        // A new message is held by the process that decided it (it delivers it from memory): no other may take it meanwhile.
        claim ??= new OutboxClaim(OutboxClaim.ThisProcess, OutboxClaim.DefaultLease);
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (fence is not null)
        {
            await PassFenceAsync(conn, tx, fence, ct).ConfigureAwait(false);
        }
        foreach (var row in rows)
        {
            var m = row.Message;
            if (stored?.Contains(m.Id) == true)
            {
                await conn.ExecuteAsync(new CommandDefinition("""
                    UPDATE hc_private.notification_outbox SET
                        delivery = @Delivery, attempts = @Attempts, next_try_at = @NextTryAt,
                        last_attempt_at = @LastAttemptAt, last_answer = @LastAnswer, delivered_at = @DeliveredAt
                    WHERE id = @Id
                    """,
                    DeliveryOf(row),
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                continue;
            }

            await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO hc_private.notification_outbox
                    (id, rule, channel, group_key, status, targets, firing, resolved, created_at,
                     delivery, attempts, next_try_at, last_attempt_at, last_answer, delivered_at, message, claimed_by, claimed_until)
                VALUES (@Id, @Rule, @Channel, @GroupKey, @Status, @Targets, @Firing, @Resolved, @CreatedAt,
                        @Delivery, @Attempts, @NextTryAt, @LastAttemptAt, @LastAnswer, @DeliveredAt, @Message::jsonb, @ClaimedBy, now() + @ClaimLease)
                ON CONFLICT (id) DO UPDATE SET
                    delivery = EXCLUDED.delivery, attempts = EXCLUDED.attempts, next_try_at = EXCLUDED.next_try_at,
                    last_attempt_at = EXCLUDED.last_attempt_at, last_answer = EXCLUDED.last_answer, delivered_at = EXCLUDED.delivered_at
                """,
                WithMessage(DeliveryOf(row), m, claim),
                tx,
                cancellationToken: ct)).ConfigureAwait(false);
        }

        if (told.Count > 0)
        {
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO hc_private.notified_states (rule, channel, target, state, since, code, info, notified_at, message_id)
                SELECT * FROM unnest(@rules, @channels, @targets, @states, @since, @codes, @infos, @notified, @messages)
                ON CONFLICT (rule, channel, target) DO UPDATE SET
                    state = EXCLUDED.state, since = EXCLUDED.since, code = EXCLUDED.code, info = EXCLUDED.info,
                    notified_at = EXCLUDED.notified_at, message_id = EXCLUDED.message_id
                """, conn, tx);
            upsert.Parameters.Add(new NpgsqlParameter<string[]>("rules", told.Select(t => t.Rule).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<string[]>("channels", told.Select(t => t.Channel).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<string[]>("targets", told.Select(t => t.Target).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<string[]>("states", told.Select(t => t.Pending ? "PENDING" : t.Down ? "DOWN" : "UP").ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<DateTime[]>("since", told.Select(t => t.Since.UtcDateTime).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter("codes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = told.Select(t => (object?)t.Code ?? DBNull.Value).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter("infos", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = told.Select(t => (object?)t.Info ?? DBNull.Value).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter<DateTime[]>("notified", told.Select(t => t.NotifiedAt.UtcDateTime).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<Guid[]>("messages", told.Select(t => t.MessageId).ToArray()));
            await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    // Sent with the BEGIN Npgsql holds back until the first command: the fence costs one round trip.
    private static async Task PassFenceAsync(NpgsqlConnection conn, NpgsqlTransaction tx, MembershipFence fence, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx) { BatchCommands = { fence.Command() } };
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await fence.PassAsync(reader, ct).ConfigureAwait(false);
    }

    /// <summary>Deletes the messages delivered or failed before <paramref name="before"/>; queued ones stay whatever their age.</summary>
    public static async Task<int> PruneAsync(NpgsqlDataSource dataSource, DateTimeOffset before, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await conn.ExecuteAsync(new CommandDefinition(
            "DELETE FROM hc_private.notification_outbox WHERE delivery <> 'queued' AND created_at < @before",
            new { before = before.UtcDateTime }, cancellationToken: ct)).ConfigureAwait(false);
    }

    private sealed class ToldRow
    {
        public string Rule { get; set; } = "";

        public string Channel { get; set; } = "";

        public string Target { get; set; } = "";

        public string State { get; set; } = "";

        public DateTime Since { get; set; }

        public string? Code { get; set; }

        public string? Info { get; set; }

        public DateTime NotifiedAt { get; set; }

        public Guid MessageId { get; set; }
    }

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? at) => at is { } t ? Utc(t) : null;
}
