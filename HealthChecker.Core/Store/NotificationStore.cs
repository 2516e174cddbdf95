using Dapper;
using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>Reads the <c>notifications</c> view (the outbox without the messages' bodies) for the log page and the API.</summary>
public sealed class NotificationStore(NpgsqlDataSource dataSource) : INotificationLog
{
    private const string Columns = """
        n.id AS Id, n.created_at AS CreatedAt, n.rule AS Rule, n.channel AS Channel, n.status AS Status, n.targets AS Targets,
        n.firing AS Firing, n.resolved AS Resolved, n.delivery AS Delivery, n.attempts AS Attempts, n.last_attempt_at AS LastAttemptAt,
        n.next_try_at AS NextTryAt, n.last_answer AS LastAnswer, n.delivered_at AS DeliveredAt
        """;

    public async Task<NotificationPage> NotificationsAsync(NotificationFilter filter, int pageSize, Guid? after = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var (where, args) = Where(filter);
        if (after is { } id)
        {
            // The cursor is a message id: the page goes on strictly older than that message.
            where.Add("(n.created_at, n.id) < (SELECT a.created_at, a.id FROM notifications a WHERE a.id = @After)");
            args.Add("After", id);
        }

        // One more than a page tells whether another page follows.
        args.Add("Limit", pageSize + 1);
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition($"""
            SELECT {Columns}
            FROM notifications n
            {Clause(where)}
            ORDER BY n.created_at DESC, n.id DESC
            LIMIT @Limit
            """, args, cancellationToken: ct)).ConfigureAwait(false)).Select(r => r.ToRecord()).ToList();
        if (rows.Count <= pageSize)
        {
            return new NotificationPage(rows, null);
        }

        rows.RemoveAt(pageSize);
        return new NotificationPage(rows, rows[^1].Id);
    }

    public async Task<int> CountAsync(NotificationFilter filter, CancellationToken ct = default)
    {
        var (where, args) = Where(filter);
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT count(*)::int FROM notifications n {Clause(where)}", args, cancellationToken: ct)).ConfigureAwait(false);
    }

    private static (List<string> Where, DynamicParameters Args) Where(NotificationFilter filter)
    {
        var where = new List<string>();
        var args = new DynamicParameters();
        if (!string.IsNullOrEmpty(filter.Target))
        {
            where.Add("@Target = ANY (n.targets)");
            args.Add("Target", filter.Target);
        }

        if (!string.IsNullOrEmpty(filter.Channel))
        {
            where.Add("n.channel = @Channel");
            args.Add("Channel", filter.Channel);
        }

        return (where, args);
    }

    private static string Clause(List<string> where) => where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);

    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);

    private sealed class Row
    {
        public Guid Id { get; init; }

        public DateTime CreatedAt { get; init; }

        public string Rule { get; init; } = "";

        public string Channel { get; init; } = "";

        public string Status { get; init; } = "";

        public string[] Targets { get; init; } = [];

        public int Firing { get; init; }

        public int Resolved { get; init; }

        public string Delivery { get; init; } = "";

        public int Attempts { get; init; }

        public DateTime? LastAttemptAt { get; init; }

        public DateTime? NextTryAt { get; init; }

        public string? LastAnswer { get; init; }

        public DateTime? DeliveredAt { get; init; }

        public NotificationRecord ToRecord() => new(Id, Utc(CreatedAt), Rule, Channel, Status, Targets, Firing, Resolved, Delivery, Attempts,
            LastAttemptAt is { } a ? Utc(a) : null, NextTryAt is { } n ? Utc(n) : null, LastAnswer, DeliveredAt is { } d ? Utc(d) : null);
    }
}
