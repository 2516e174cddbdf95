using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>
/// This node's row in Orleans' membership table (<c>orleansmembershiptable</c>, by cluster id, address, port and
/// generation): a write of results, state changes or alert records first reads it <c>FOR SHARE</c> in its own
/// transaction and goes on only while it says Active. Another node declaring this one Dead waits for such a write to
/// commit, and every write after that sees Dead. None when the app runs without a cluster identity.
/// </summary>
public sealed record MembershipFence(string DeploymentId, string Address, int Port, int Generation)
{
    /// <summary>Orleans' <c>SiloStatus.Joining</c>: not Active yet, owning no shard, but never declared dead either.</summary>
    public const int Joining = 2;

    /// <summary>Orleans' <c>SiloStatus.Active</c>.</summary>
    public const int Active = 3;

    /// <summary>Orleans' <c>SiloStatus.Dead</c>.</summary>
    public const int Dead = 6;

    /// <summary>The row's status (parameters $1 cluster id, $2 address, $3 port, $4 generation), read without a lock.</summary>
    public const string StatusSql = """
        SELECT status FROM orleansmembershiptable
        WHERE deploymentid = $1 AND address = $2 AND port = $3 AND generation = $4
        """;

    /// <summary>The fence's statement: the row's status, locked until commit.</summary>
    public const string Sql = StatusSql + "\nFOR SHARE";

    /// <summary>The fence as the first command of a batch, so that it costs no round trip of its own.</summary>
    public NpgsqlBatchCommand Command()
    {
        var command = new NpgsqlBatchCommand(Sql);
        command.Parameters.AddRange(Parameters());
        return command;
    }

    /// <summary>The row's key, for <see cref="StatusSql"/> or <see cref="Sql"/>.</summary>
    public NpgsqlParameter[] Parameters() =>
    [
        new NpgsqlParameter<string> { TypedValue = DeploymentId },
        new NpgsqlParameter<string> { TypedValue = Address },
        new NpgsqlParameter<int> { TypedValue = Port },
        new NpgsqlParameter<int> { TypedValue = Generation },
    ];

    /// <summary>
    /// Reads the fence's answer, the current result of <paramref name="reader"/>, and throws <see cref="FencedOutException"/>
    /// unless the row is there and Active (or still Joining); the caller's transaction is then rolled back by its disposal.
    /// </summary>
    public async Task PassAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        int? status = await reader.ReadAsync(ct).ConfigureAwait(false) ? reader.GetInt32(0) : null;
        // Joining passes too: a node turns Active only once its engine runs, and meanwhile its alerting may record deliveries.
        if (status is not (Active or Joining))
        {
            throw new FencedOutException(this, status);
        }
    }

    public override string ToString() => $"{Address}:{Port}@{Generation} of cluster {DeploymentId}";
}

/// <summary>A write refused because this node's membership row is not Active (or is gone): nothing of it was stored.</summary>
public sealed class FencedOutException(MembershipFence fence, int? status)
    : Exception($"This node ({fence}) is {Describe(status)} in the cluster's membership: its writes are fenced out")
{
    /// <summary>The row's status (Orleans' SiloStatus), none when the row is missing.</summary>
    public int? Status { get; } = status;

    private static string Describe(int? status) => status switch
    {
        null => "missing",
        1 => "Created",
        2 => "Joining",
        4 => "ShuttingDown",
        5 => "Stopping",
        MembershipFence.Dead => "Dead",
        var s => $"in status {s}",
    };
}
