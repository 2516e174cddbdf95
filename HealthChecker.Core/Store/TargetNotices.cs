using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>
/// <c>NOTIFY hc_targets_changed</c> as the store sends it and listeners read it: the payload is the changed
/// targets' ids, comma-separated, as many as fit in one payload; a write that changed more sends several
/// (an import of 100 000 targets sends about a hundred, not 100 000). A payload that is not such a list
/// (empty, as a bare <c>NOTIFY hc_targets_changed</c> from psql) means "reload every target".
/// </summary>
public static class TargetNotices
{
    public const string Channel = "hc_targets_changed";

    /// <summary>PostgreSQL refuses a payload of 8 000 bytes or more.</summary>
    public const int MaxPayloadBytes = 7_900;

    /// <summary>The ids in payloads of at most <see cref="MaxPayloadBytes"/> bytes each.</summary>
    public static IEnumerable<string> Payloads(IEnumerable<long> ids)
    {
        var payload = new StringBuilder();
        foreach (var id in ids)
        {
            var text = id.ToString(CultureInfo.InvariantCulture);
            if (payload.Length > 0 && payload.Length + 1 + text.Length > MaxPayloadBytes)
            {
                yield return payload.ToString();
                payload.Clear();
            }

            if (payload.Length > 0)
            {
                payload.Append(',');
            }

            payload.Append(text);
        }

        if (payload.Length > 0)
        {
            yield return payload.ToString();
        }
    }

    /// <summary>Queues the notices in <paramref name="tx"/>, in one round trip: listeners hear them when it commits.</summary>
    public static Task SendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IEnumerable<long> ids, CancellationToken ct) =>
        SendAsync(conn, tx, Channel, ids, ct);

    /// <summary>The same on another channel that names targets by id (<see cref="StateChangeNotices"/>).</summary>
    public static async Task SendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string channel, IEnumerable<long> ids, CancellationToken ct)
    {
        var payloads = Payloads(ids).ToArray();
        if (payloads.Length == 0)
        {
            return;
        }

        await conn.ExecuteAsync(new CommandDefinition(
            "SELECT pg_notify(@channel, p) FROM unnest(@payloads) WITH ORDINALITY AS x(p, n) ORDER BY n",
            new { channel, payloads }, tx, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>The ids a payload names, or null when it is not a list of ids: then everything is to be reloaded.</summary>
    public static IReadOnlyList<long>? Parse(string? payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return null;
        }

        var ids = new List<long>();
        foreach (var part in payload.Split(','))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                return null;
            }

            ids.Add(id);
        }

        return ids;
    }
}
