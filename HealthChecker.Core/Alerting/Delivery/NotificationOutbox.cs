using System.Collections.Concurrent;
using System.Threading.Channels;
using HealthChecker.Core.Store;
using Npgsql;
using Polly;
using Polly.Retry;
using Serilog;

namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// Delivers the evaluator's messages, from memory at once, one worker per channel (in the order decided), retrying
/// passing failures with exponential backoff and jitter (Polly) for <see cref="DeliveryOptions.RetryFor"/>; a refusal
/// (4xx) fails the message at once. Each message and its delivery (attempts, next try, the receiver's last answer)
/// is kept in <c>hc_private.notification_outbox</c> by an <see cref="OutboxWriter"/>, with the notified states it
/// sets, whenever PostgreSQL can take them: an outage delays the records, not the messages. Without a data source
/// (tests, a dry run) nothing is stored.
/// </summary>
public sealed class NotificationOutbox : IAlertOutbox, IAsyncDisposable
{
    private static readonly ResiliencePropertyKey<OutboxEntry> EntryKey = new("hc.outbox.entry");

    private readonly IAlertSettingsSource _settings;
    private readonly Dictionary<ChannelKind, IChannelSender> _senders;
    private readonly DeliveryOptions _options;
    private readonly ILogger _log;
    private readonly OutboxWriter? _writer;
    private readonly ConcurrentDictionary<string, ChannelWorker> _workers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly ResiliencePipeline<DeliveryAnswer> _retry;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly Task? _claiming;

    public NotificationOutbox(IAlertSettingsSource settings, IEnumerable<IChannelSender> senders, NpgsqlDataSource? dataSource = null,
        DeliveryOptions? options = null, ILogger? log = null)
    {
        _settings = settings;
        _senders = senders.ToDictionary(s => s.Kind);
        _options = options ?? new DeliveryOptions();
        _log = (log ?? Serilog.Core.Logger.None).ForContext<NotificationOutbox>();
        if (dataSource is not null)
        {
            _writer = new OutboxWriter(dataSource, _options, _log);
            _writer.Start();
            _dataSource = dataSource;
            _claiming = ClaimRegularlyAsync(dataSource, _stop.Token);
        }

        _retry = new ResiliencePipelineBuilder<DeliveryAnswer> { TimeProvider = _options.Clock }
            .AddRetry(new RetryStrategyOptions<DeliveryAnswer>
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result?.Outcome == DeliveryOutcome.Retry
                    && _options.Clock.GetUtcNow() - args.Context.Properties.GetValue(EntryKey, null!).Message.CreatedAt < _options.RetryFor),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.FirstRetryDelay,
                MaxDelay = _options.MaxRetryDelay,
                OnRetry = args =>
                {
                    var entry = args.Context.Properties.GetValue(EntryKey, null!);
                    var next = _options.Clock.GetUtcNow() + args.RetryDelay;
                    entry.Change(r => r with { NextTryAt = next });
                    _writer?.Changed(entry);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Each channel's deliveries since start, by channel name.</summary>
    public IReadOnlyList<ChannelDeliveryStatus> Status() =>
        [.. _workers.Values.Select(w => w.Statistics.Status()).OrderBy(s => s.Channel, StringComparer.Ordinal)];

    /// <summary>True while the outbox's records cannot be stored (PostgreSQL unreachable); messages still go.</summary>
    public bool DatabaseUnreachable => _writer?.DatabaseUnreachable ?? false;

    /// <summary>Rows and notified states waiting to be stored.</summary>
    public int PendingWrites => _writer?.Pending ?? 0;

    /// <summary>Rows and notified states not stored because this node was fenced out of its cluster (<see cref="DeliveryOptions.Fence"/>).</summary>
    public long FencedWrites => _writer?.Fenced ?? 0;

    /// <summary>Raised once when a write of the outbox was fenced out: this node is no longer an Active member of its cluster.</summary>
    public event Action<FencedOutException>? FencedOut
    {
        add
        {
            if (_writer is not null)
            {
                _writer.FencedOut += value;
            }
        }

        remove
        {
            if (_writer is not null)
            {
                _writer.FencedOut -= value;
            }
        }
    }

    /// <summary>Until every record queued before this call is stored (at once without a data source); bounded by <paramref name="ct"/>.</summary>
    public Task StoredAsync(CancellationToken ct) => _writer?.FlushAsync(ct) ?? Task.CompletedTask;

    /// <summary>Delivers the messages left queued by the previous run (read by <see cref="OutboxStore.LoadAsync"/>).</summary>
    public void Resume(IEnumerable<OutboxRow> queued)
    {
        foreach (var row in queued)
        {
            Worker(row.Message.Channel).Add(new OutboxEntry(row) { Stored = true });
        }
    }

    public void Add(AlertDecision decision)
    {
        if (decision.Message is not { } message)
        {
            _writer?.Changed(decision.Notified);
            return;
        }

        var entry = new OutboxEntry(new OutboxRow(message, DeliveryState.Queued, 0, message.CreatedAt, null, null, null));
        _writer?.Changed(entry, decision.Notified);
        Worker(message.Channel).Add(entry);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var worker in _workers.Values)
        {
            await worker.StopAsync().ConfigureAwait(false);
        }

        if (_claiming is not null)
        {
            await _claiming.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }

        if (_dataSource is not null && !DatabaseUnreachable)
        {
            await ReleaseAsync(_dataSource).ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    /// <summary>
    /// Every third of the lease: renews what this process holds, and takes the queued messages no live process holds (a
    /// process that died, its lease over). A failure (PostgreSQL away) waits for the next turn; the messages in memory go on.
    /// </summary>
    private async Task ClaimRegularlyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var every = _options.Claim.Lease / 3 > TimeSpan.FromMilliseconds(100) ? _options.Claim.Lease / 3 : TimeSpan.FromMilliseconds(100);
        using var timer = new PeriodicTimer(every, _options.Clock);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            try
            {
                await OutboxStore.RenewAsync(dataSource, _options.Claim, ct).ConfigureAwait(false);
                var taken = await OutboxStore.ClaimAsync(dataSource, _options.Claim, ct).ConfigureAwait(false);
                if (taken.Count > 0)
                {
                    _log.Information("Took {Messages} queued alert messages no live process held", taken.Count);
                    Resume(taken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.Debug("Renewing the outbox's claim failed, tried again in {Every}: {Reason}", every, e.Message);
            }
        }
    }

    /// <summary>A graceful stop gives its queued messages up at once, for the next start or another process (bounded, best effort).</summary>
    private async Task ReleaseAsync(NpgsqlDataSource dataSource)
    {
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await OutboxStore.ReleaseAsync(dataSource, _options.Claim, bounded.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Debug("Releasing the outbox's claim failed; its lease runs out instead: {Reason}", e.Message);
        }
    }

    private ChannelWorker Worker(string channel) => _workers.GetOrAdd(channel, name => new ChannelWorker(this, name));

    private async Task DeliverAsync(OutboxEntry entry, ChannelStatistics statistics)
    {
        var context = ResilienceContextPool.Shared.Get(_stop.Token);
        context.Properties.Set(EntryKey, entry);
        DeliveryAnswer answer;
        try
        {
            answer = await _retry.ExecuteAsync(
                static (ctx, state) => new ValueTask<DeliveryAnswer>(state.Outbox.AttemptAsync(state.Entry, state.Statistics, ctx.CancellationToken)),
                context,
                (Outbox: this, Entry: entry, Statistics: statistics)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        var message = entry.Message;
        var now = _options.Clock.GetUtcNow();
        if (answer.Outcome == DeliveryOutcome.Delivered)
        {
            entry.Change(r => r with { Delivery = DeliveryState.Delivered, DeliveredAt = now, NextTryAt = null });
            statistics.Ended(message, delivered: true);
        }
        else
        {
            var why = answer.Outcome == DeliveryOutcome.Retry ? $"gave up after {_options.RetryFor}: {answer.Text}" : answer.Text;
            entry.Change(r => r with { Delivery = DeliveryState.Failed, NextTryAt = null, LastAnswer = why });
            statistics.Ended(message, delivered: false);
            _log.Warning("Alert message {MessageId} to channel {Channel} failed for good: {Answer}", message.Id, message.Channel, why);
        }

        _writer?.Changed(entry);
    }

    private async Task<DeliveryAnswer> AttemptAsync(OutboxEntry entry, ChannelStatistics statistics, CancellationToken ct)
    {
        var message = entry.Message;
        DeliveryAnswer answer;
        var channel = _settings.Current.Channels.FirstOrDefault(c => c.Name == message.Channel);
        if (channel is null)
        {
            answer = DeliveryAnswer.Failed($"no channel is named {message.Channel} any more");
        }
        else if (!_senders.TryGetValue(channel.Kind, out var sender))
        {
            answer = DeliveryAnswer.Failed($"channels of kind {channel.Kind} cannot send yet");
        }
        else
        {
            try
            {
                answer = await sender.SendAsync(channel, message, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                answer = DeliveryAnswer.Retry($"{e.GetType().Name}: {e.Message}");
            }
        }

        var at = _options.Clock.GetUtcNow();
        entry.Change(r => r with { Attempts = r.Attempts + 1, LastAttemptAt = at, LastAnswer = answer.Text });
        statistics.Attempted(answer, at);
        if (answer.Outcome == DeliveryOutcome.Retry)
        {
            _log.Information("Alert message {MessageId} to channel {Channel} will be retried: {Answer}", message.Id, message.Channel, answer.Text);
        }

        _writer?.Changed(entry);
        return answer;
    }

    /// <summary>One channel's queue, delivered in order by one task.</summary>
    private sealed class ChannelWorker
    {
        private readonly Channel<OutboxEntry> _queue = Channel.CreateUnbounded<OutboxEntry>(new UnboundedChannelOptions { SingleReader = true });
        private readonly NotificationOutbox _outbox;
        private readonly Task _task;

        public ChannelWorker(NotificationOutbox outbox, string channel)
        {
            _outbox = outbox;
            Statistics = new ChannelStatistics(channel);
            _task = Task.Run(RunAsync);
        }

        public ChannelStatistics Statistics { get; }

        public void Add(OutboxEntry entry)
        {
            Statistics.Queued(entry.Message);
            _queue.Writer.TryWrite(entry);
        }

        public async Task StopAsync()
        {
            _queue.Writer.TryComplete();
            await _task.ConfigureAwait(false);
        }

        private async Task RunAsync()
        {
            try
            {
                await foreach (var entry in _queue.Reader.ReadAllAsync(_outbox._stop.Token).ConfigureAwait(false))
                {
                    await _outbox.DeliverAsync(entry, Statistics).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_outbox._stop.IsCancellationRequested)
            {
                // Stopping: what is left stays queued in the outbox table for the next start.
            }
        }
    }
}
