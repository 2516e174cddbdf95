using Dapper;
using HealthChecker.Core.Store;
using Npgsql;

namespace HealthChecker.Tests.Support;

/// <summary>
/// Membership rows as Orleans' ADO.NET clustering writes them, through the statements db/0100 stores in
/// <c>orleansquery</c>: a node that joined and is Active, and another node declaring it Dead.
/// </summary>
internal static class MembershipRows
{
    public const int Joining = 2;
    public const int Active = 3;
    public const int Dead = 6;

    public static readonly MembershipFence Node = new("fence-test", "127.0.0.1", 11111, 431_000_001);

    /// <summary>The cluster's version row and <paramref name="node"/>'s row, Active.</summary>
    public static async Task JoinActiveAsync(string connectionString, MembershipFence node, int status = Active)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await conn.ExecuteAsync(await QueryAsync(conn, "InsertMembershipVersionKey"), new { node.DeploymentId });
        var joined = await conn.ExecuteScalarAsync<int>(await QueryAsync(conn, "InsertMembershipKey"), new
        {
            node.DeploymentId,
            Version = await VersionAsync(conn, node),
            node.Address,
            node.Port,
            node.Generation,
            SiloName = "node-a",
            HostName = "localhost",
            Status = status,
            ProxyPort = 30000,
            StartTime = DateTime.UtcNow,
            IAmAliveTime = DateTime.UtcNow,
        });
        if (joined != 1)
        {
            throw new InvalidOperationException("the membership row was not inserted");
        }
    }

    public static Task JoinActiveAsync(NpgsqlDataSource db, MembershipFence node) => JoinActiveAsync(db.ConnectionString, node);

    /// <summary>What another node does when it declares <paramref name="node"/> dead; returns the versions bumped (1).</summary>
    public static async Task<int> DeclareDeadAsync(NpgsqlConnection conn, MembershipFence node, NpgsqlTransaction? tx = null) =>
        await conn.ExecuteScalarAsync<int>(await QueryAsync(conn, "UpdateMembershipKey", tx), new
        {
            node.DeploymentId,
            Version = await VersionAsync(conn, node, tx),
            node.Address,
            node.Port,
            node.Generation,
            Status = Dead,
            SuspectTimes = (string?)null,
            IAmAliveTime = DateTime.UtcNow,
        }, tx);

    public static async Task DeclareDeadAsync(string connectionString, MembershipFence node)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        if (await DeclareDeadAsync(conn, node) != 1)
        {
            throw new InvalidOperationException("the membership row was not updated");
        }
    }

    public static Task DeclareDeadAsync(NpgsqlDataSource db, MembershipFence node) => DeclareDeadAsync(db.ConnectionString, node);

    private static async Task<string> QueryAsync(NpgsqlConnection conn, string key, NpgsqlTransaction? tx = null) =>
        await conn.ExecuteScalarAsync<string>("SELECT querytext FROM orleansquery WHERE querykey = @key", new { key }, tx)
        ?? throw new InvalidOperationException($"orleansquery has no {key}");

    private static Task<int> VersionAsync(NpgsqlConnection conn, MembershipFence node, NpgsqlTransaction? tx = null) =>
        conn.ExecuteScalarAsync<int>("SELECT version FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId", new { node.DeploymentId }, tx);
}
