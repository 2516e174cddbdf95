using Npgsql;
using Serilog;

namespace HealthChecker.Core.Store;

/// <summary>
/// Follows one PostgreSQL <c>NOTIFY</c> channel on a connection of its own. Each notice's payload goes to
/// <c>onNotice</c> (raised inside the wait: keep it short); <c>afterWait</c> runs after every wait, heard or quiet.
/// A lost connection is opened again with backoff (1 s doubling to 30 s) and then <c>onRelisten</c> runs, since notices
/// sent while no one listened are lost; a quiet connection is pinged every 30 s, so that a server gone away is noticed.
/// </summary>
public sealed class NotifyFollower(
    NpgsqlDataSource dataSource,
    string channel,
    Action<string> onNotice,
    Func<CancellationToken, Task> onRelisten,
    ILogger log,
    Func<CancellationToken, Task>? afterWait = null)
{
    private static readonly TimeSpan Ping = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>The first LISTEN, before the caller reads what it follows (so nothing committed after is missed); throws when it fails.</summary>
    public async Task<NpgsqlConnection> ListenAsync(CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            connection.Notification += (_, e) => onNotice(e.Payload);
            await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
            await listen.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits for notices on <paramref name="connection"/> (from <see cref="ListenAsync"/>) until <paramref name="ct"/> is cancelled.</summary>
    public async Task FollowAsync(NpgsqlConnection? connection, CancellationToken ct)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (connection is null)
                {
                    connection = await ListenAsync(ct).ConfigureAwait(false);
                    await onRelisten(ct).ConfigureAwait(false);
                    log.Information("Listening on {Channel} again", channel);
                    backoff = TimeSpan.FromSeconds(1);
                }

                if (!await connection.WaitAsync(Ping, ct).ConfigureAwait(false))
                {
                    await using var ping = new NpgsqlCommand("SELECT 1", connection);
                    await ping.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                if (afterWait is not null)
                {
                    await afterWait(ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log.Warning("Listening on {Channel} failed, retrying in {Delay} s: {Reason}", channel, backoff.TotalSeconds, e.Message);
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    connection = null;
                }

                try
                {
                    await Task.Delay(backoff, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
