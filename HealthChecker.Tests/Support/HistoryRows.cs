using Dapper;
using HealthChecker.Core.Store;
using Npgsql;

namespace HealthChecker.Tests.Support;

/// <summary>Targets and rows for the history tests.</summary>
internal static class HistoryRows
{
    public static readonly DateTime Base = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    public static async Task<long> AddTargetAsync(NpgsqlDataSource db, string name, string kind = "tcp")
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>(
            "INSERT INTO targets (name, kind, host, port) VALUES (@name, @kind, '127.0.0.1', 80) RETURNING id", new { name, kind });
    }

    /// <summary>Result number <paramref name="n"/> of a target: distinct times, so that a duplicate would show.</summary>
    public static CheckResultRow Result(long targetId, int n, bool passed = true) =>
        new(targetId, Base.AddMilliseconds(n), passed ? "L4OK" : "L4CON", passed, n % 500, null, passed ? null : $"refused #{n}");

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, object? args = null)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("no value");
    }

    public static async Task ExecuteAsync(NpgsqlDataSource db, string sql, object? args = null)
    {
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync(sql, args);
    }

    /// <summary>Waits for a condition the code under test reaches on its own (bounded, so a bug fails instead of hanging).</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Never happened: {what}");
    }
}
