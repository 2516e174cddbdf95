using Npgsql;
using HealthChecker.Web.Hosting;

namespace HealthChecker.Web.Monitoring;

/// <summary>Is PostgreSQL answering now? One <c>SELECT 1</c> with a short limit, for <c>/healthz</c> and <c>/api/status</c>.</summary>
public sealed class DatabaseProbe(DatabaseService database)
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    /// <summary>Null when the database answered within <see cref="Limit"/>, else why not, in words.</summary>
    public async Task<string?> FailureAsync(CancellationToken ct = default)
    {
        NpgsqlDataSource dataSource;
        try
        {
            dataSource = database.Database.DataSource;
        }
        catch (InvalidOperationException)
        {
            return "database not open";
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(Limit);
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(limit.Token);
            await using var cmd = new NpgsqlCommand("SELECT 1", conn);
            await cmd.ExecuteScalarAsync(limit.Token);
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"database unreachable: no answer within {Limit.TotalSeconds:0} s";
        }
        catch (Exception e) when (e is NpgsqlException or ObjectDisposedException or InvalidOperationException)
        {
            return $"database unreachable: {OneLine(e)}";
        }
    }

    private static string OneLine(Exception e)
    {
        var message = e.InnerException is { } inner && e is NpgsqlException { SqlState: null } ? $"{e.Message}: {inner.Message}" : e.Message;
        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
