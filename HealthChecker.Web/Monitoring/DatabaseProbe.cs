using Npgsql;
using HealthChecker.Web.Hosting;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// Is PostgreSQL answering now? One <c>SELECT 1</c> with a short limit, for <c>/healthz</c> and <c>/api/status</c>. Why it
/// failed (socket path, host, server message) goes to the log when it changes, and to the admin; anyone else is told
/// <see cref="Unreachable"/>.
/// </summary>
public sealed class DatabaseProbe(DatabaseService database, Serilog.ILogger log)
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    /// <summary>What a caller who is not the admin learns of a failure.</summary>
    public const string Unreachable = "database unreachable";

    private readonly Serilog.ILogger _log = log.ForContext<DatabaseProbe>();
    private readonly Lock _lastLock = new();
    private string? _last;

    /// <summary>Null when the database answered within <see cref="Limit"/>, else why not, in words.</summary>
    public async Task<string?> FailureAsync(CancellationToken ct = default)
    {
        var failure = await ProbeAsync(ct);
        Remember(failure);
        return failure;
    }

    /// <summary><paramref name="failure"/> as <paramref name="detailed"/> callers (the admin) see it, or as anyone else does.</summary>
    public static string? Shown(string? failure, bool detailed) => failure is null || detailed ? failure : Unreachable;

    private async Task<string?> ProbeAsync(CancellationToken ct)
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
            return $"{Unreachable}: no answer within {Limit.TotalSeconds:0} s";
        }
        catch (Exception e) when (e is NpgsqlException or ObjectDisposedException or InvalidOperationException)
        {
            return $"{Unreachable}: {OneLine(e)}";
        }
    }

    // Probes come every few seconds: the log gets a line when the answer changes, not one per probe.
    private void Remember(string? failure)
    {
        lock (_lastLock)
        {
            if (failure == _last)
            {
                return;
            }

            _last = failure;
        }

        if (failure is null)
        {
            _log.Information("Database reachable again");
        }
        else
        {
            _log.Warning("Database probe failed: {Reason:l}", failure);
        }
    }

    private static string OneLine(Exception e)
    {
        var message = e.InnerException is { } inner && e is NpgsqlException { SqlState: null } ? $"{e.Message}: {inner.Message}" : e.Message;
        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
