using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;
using Npgsql;

namespace HealthChecker.Web.Alerting;

/// <summary>
/// The app's <see cref="IAlertSettingsSource"/>: the stored channels and rules, loaded at start (before the engine) and
/// read again whole after each <c>NOTIFY hc_alerts_changed</c> (every write of them sends one, from this process or
/// another) and after the LISTEN connection was lost and found again. <see cref="Changed"/> is raised only when what was
/// read differs. While PostgreSQL is away the last settings read stay in force.
/// </summary>
/// <remarks>Built before the database is open (an app part): the store and the data source are asked for at start.</remarks>
public sealed class StoredAlertSettings(Func<AlertSettingsStore> store, Func<NpgsqlDataSource> dataSource, Serilog.ILogger log) : IAlertSettingsSource, IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan ListenPing = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly Serilog.ILogger _log = log.ForContext<StoredAlertSettings>();
    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private AlertSettings _current = AlertSettings.Empty;
    private Task? _listener;
    private long _loads;
    private int _disposed;

    public AlertSettings Current => Volatile.Read(ref _current);

    public event Action<AlertSettings>? Changed;

    /// <summary>Reads of the settings since start (the first at start): tests wait on it.</summary>
    public long Loads => Interlocked.Read(ref _loads);

    /// <summary>Listens first (so nothing committed from here on is missed), then loads.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connection = await ListenOnAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
        _log.Information("Alerting: {Channels} channels and {Rules} rules; listening on {Channel} for changes",
            Current.Channels.Count, Current.Rules.Count, AlertSettingsStore.NotifyChannel);
        _listener = Task.Run(() => ListenAsync(connection, _stop.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_listener is not null)
        {
            await _listener.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as the IAlertSettingsSource: the container disposes it once for each.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(CancellationToken.None);
        _stop.Dispose();
        _reload.Dispose();
    }

    /// <summary>Reads everything again; raises <see cref="Changed"/> when it differs from <see cref="Current"/>.</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            var settings = await store().LoadAsync(ct);
            Interlocked.Increment(ref _loads);
            if (settings.Equals(Current))
            {
                return;
            }

            Volatile.Write(ref _current, settings);
            _log.Information("Alerting settings changed: {Channels} channels, {Rules} rules", settings.Channels.Count, settings.Rules.Count);
            Changed?.Invoke(settings);
        }
        finally
        {
            _reload.Release();
        }
    }

    private async Task<NpgsqlConnection> ListenOnAsync(CancellationToken ct)
    {
        var connection = await dataSource().OpenConnectionAsync(ct);
        try
        {
            await using var listen = new NpgsqlCommand($"LISTEN {AlertSettingsStore.NotifyChannel}", connection);
            await listen.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task ListenAsync(NpgsqlConnection? connection, CancellationToken ct)
    {
        var backoff = TimeSpan.FromSeconds(1);
        var heard = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (connection is null)
                {
                    connection = await ListenOnAsync(ct);
                    // Notices sent while no one listened are lost: read everything again.
                    await ReloadAsync(ct);
                    _log.Information("Listening on {Channel} again", AlertSettingsStore.NotifyChannel);
                    backoff = TimeSpan.FromSeconds(1);
                }

                connection.Notification += (_, _) => Interlocked.Increment(ref heard);
                while (!ct.IsCancellationRequested)
                {
                    // A quiet connection is pinged now and then, so that a server gone away is noticed.
                    if (!await connection.WaitAsync(ListenPing, ct))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteNonQueryAsync(ct);
                    }

                    if (Interlocked.Exchange(ref heard, 0) > 0)
                    {
                        await ReloadAsync(ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _log.Warning("Following alert settings on {Channel} failed, retrying in {Delay} s: {Reason}", AlertSettingsStore.NotifyChannel, backoff.TotalSeconds, e.Message);
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                    connection = null;
                }

                try
                {
                    await Task.Delay(backoff, ct);
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
            await connection.DisposeAsync();
        }
    }
}
