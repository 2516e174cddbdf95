using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Alerting.Delivery.Channels;
using HealthChecker.Core.Scheduling;
using HealthChecker.Web.Hosting;
using HealthChecker.Web.Monitoring;

namespace HealthChecker.Web.Alerting;

/// <summary>
/// Alerting inside the web app, started after the <see cref="MonitorService"/>: reads back what the channels were
/// told and the messages still queued, resumes their delivery, and decides alerts from the engine's state changes
/// with the settings of <see cref="IAlertSettingsSource"/>. Stopped before the engine: no decision is half taken.
/// </summary>
public sealed class AlertingService(
    DatabaseService database,
    MonitorService monitor,
    IAlertSettingsSource settings,
    IConfiguration configuration,
    Serilog.ILogger log) : IHostedService, IAsyncDisposable, IHeldAlerts, IFlappingTargets, IChannelDelivery
{
    private readonly AlertingOptions _options = configuration.GetSection(AlertingOptions.Section).Get<AlertingOptions>() ?? new AlertingOptions();
    private readonly Serilog.ILogger _log = log.ForContext<AlertingService>();
    private NotificationOutbox? _outbox;
    private AlertEvaluator? _evaluator;
    private WebhookSender? _webhook;
    private ChannelSenders? _channels;
    private Task? _pruning;
    private readonly CancellationTokenSource _stop = new();
    private int _stopped;

    /// <summary>Each channel's deliveries since start (empty before the start).</summary>
    public IReadOnlyList<ChannelDeliveryStatus> Status() => Volatile.Read(ref _outbox)?.Status() ?? [];

    /// <summary>The alerts held back now by a DOWN dependency, by target (empty before the start).</summary>
    public IReadOnlyDictionary<string, HeldAlert> Held => Volatile.Read(ref _evaluator)?.Held ?? new Dictionary<string, HeldAlert>();

    public bool IsFlapping(string target) => Volatile.Read(ref _evaluator)?.Flapping.Contains(target) ?? false;

    /// <summary>True while the outbox cannot be stored (messages still go).</summary>
    public bool DatabaseUnreachable => Volatile.Read(ref _outbox)?.DatabaseUnreachable ?? false;

    /// <summary>"Send a test message" to <paramref name="channel"/> (saved or not) with its kind's sender; the receiver's answer.</summary>
    public Task<DeliveryAnswer> SendTestAsync(ChannelDefinition channel, CancellationToken cancellationToken) =>
        _webhook is { } webhook && _channels is { } channels
            ? ChannelTest.SendAsync([webhook, .. channels.All], channel, DateTimeOffset.UtcNow, cancellationToken)
            : Task.FromResult(DeliveryAnswer.Failed("alerting has not started"));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = monitor.Scheduler ?? throw new InvalidOperationException("Alerting starts after the check engine.");
        var dataSource = database.Database.DataSource;
        var ready = new TaskCompletionSource<AlertEvaluator>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Before what was told is read: a target added to the engine from here on (a shard taken over) is adopted with a later read.
        monitor.BeforeAddingTargets(TakenOverAlerts.Adoption(ready.Task.WaitAsync, dataSource, told => _channels?.Alertmanager.Resume(told, settings.Current)));
        try
        {
            var evaluator = await StartEvaluatorAsync(scheduler, dataSource, cancellationToken);
            ready.SetResult(evaluator);
            // A node lets targets go only once what it decided of them is stored: their new owner reads it (docs/cluster.md).
            monitor.AfterHandingOverTargets(TakenOverAlerts.Storing(evaluator, _outbox!, _log));
        }
        catch (Exception e)
        {
            monitor.BeforeAddingTargets(null);
            ready.TrySetException(e);
            throw;
        }
    }

    private async Task<AlertEvaluator> StartEvaluatorAsync(TargetScheduler scheduler, Npgsql.NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var lease = _options.ClaimLease < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : _options.ClaimLease > TimeSpan.FromMinutes(10) ? TimeSpan.FromMinutes(10) : _options.ClaimLease;
        var claim = new OutboxClaim(OutboxClaim.ThisProcess, lease);
        var (stored, queued) = await OutboxStore.LoadAsync(dataSource, claim, cancellationToken);
        var told = TakenOverAlerts.CheckedHere(stored, scheduler);
        _webhook = new WebhookSender(ExternalUrl(), _options.AttemptTimeout);
        _channels = new ChannelSenders(ExternalUrl(), _options.AttemptTimeout, settings);
        _channels.Alertmanager.Resume(told, settings.Current);
        var outbox = new NotificationOutbox(settings, [_webhook, .. _channels.All], dataSource, new DeliveryOptions
        {
            RetryFor = _options.RetryFor,
            FirstRetryDelay = _options.FirstRetryDelay,
            MaxRetryDelay = _options.MaxRetryDelay,
            Fence = monitor.Fence,
            Claim = claim,
        }, _log);
        outbox.FencedOut += _ => monitor.ReportFencedOut();
        outbox.Resume(queued);
        _evaluator = new AlertEvaluator(settings, outbox, scheduler.Clock, _log, flap: _options.Flap);
        _evaluator.Attach(scheduler);
        scheduler.Removed += OnRemoved;
        _evaluator.Start(told);
        Volatile.Write(ref _outbox, outbox);
        _pruning = PruneDailyAsync(dataSource, _stop.Token);
        _log.Information("Alerting started: {Told} alerts told DOWN before, {Queued} messages still to deliver", told.Count, queued.Count);
        return _evaluator;
    }

    // Another node re-sends a handed-over target's alerts to Alertmanager from now on; a late re-send from here could fire a resolved one again.
    private void OnRemoved(TargetRemoval removal)
    {
        if (removal.Reason == RemovalReason.HandedOver)
        {
            _channels?.Alertmanager.HandOver(removal.Target);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => StopCoreAsync().AsTask();

    public ValueTask DisposeAsync() => StopCoreAsync();

    private async ValueTask StopCoreAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        monitor.BeforeAddingTargets(null);
        monitor.AfterHandingOverTargets(null);
        if (monitor.Scheduler is { } scheduler)
        {
            scheduler.Removed -= OnRemoved;
        }

        await _stop.CancelAsync();
        if (_pruning is not null)
        {
            await _pruning.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_evaluator is not null)
        {
            await _evaluator.DisposeAsync();
        }

        if (_outbox is not null)
        {
            await _outbox.DisposeAsync();
        }

        _webhook?.Dispose();
        if (_channels is not null)
        {
            await _channels.DisposeAsync();
        }

        _stop.Dispose();
    }

    /// <summary>Old delivered and failed messages go, at start and then daily; a failure (PostgreSQL away) waits for the next turn.</summary>
    private async Task PruneDailyAsync(Npgsql.NpgsqlDataSource dataSource, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromDays(1));
        do
        {
            try
            {
                var pruned = await OutboxStore.PruneAsync(dataSource, DateTimeOffset.UtcNow.AddDays(-Math.Max(1, _options.KeepDays)), ct);
                if (pruned > 0)
                {
                    _log.Information("Deleted {Messages} alert messages older than {Days} days from the outbox", pruned, _options.KeepDays);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.Warning("Pruning the alert outbox failed, tried again tomorrow: {Reason}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(ct));
    }

    private Uri? ExternalUrl()
    {
        if (_options.ExternalUrl is { } configured)
        {
            return configured;
        }

        var first = configuration[WebHostDefaults.ServerUrlsKey]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return Uri.TryCreate(first, UriKind.Absolute, out var url) ? url : null;
    }
}
