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
        var heard = 0;
        var follower = new NotifyFollower(dataSource(), AlertSettingsStore.NotifyChannel,
            _ => Interlocked.Exchange(ref heard, 1),
            // Notices sent while no one listened are lost: read everything again.
            ReloadAsync,
            _log,
            afterWait: ct => Interlocked.Exchange(ref heard, 0) > 0 ? ReloadAsync(ct) : Task.CompletedTask);
        var connection = await follower.ListenAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
        _log.Information("Alerting: {Channels} channels and {Rules} rules; listening on {Channel} for changes",
            Current.Channels.Count, Current.Rules.Count, AlertSettingsStore.NotifyChannel);
        _listener = Task.Run(() => follower.FollowAsync(connection, _stop.Token), CancellationToken.None);
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
}
