using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Threading.Channels;
using HealthChecker.Core.Health;
using HealthChecker.Core.Scheduling;
using Serilog;

namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// Decides alerts in memory, beside the engine: follows the scheduler's state changes (and each target's first
/// settled check after start, so a restart can resolve what came back meanwhile), its removals, and the alert settings in force,
/// and hands each decision to the <see cref="IAlertOutbox"/>. The scheduler's handlers only queue (they run on its
/// loop threads); one background loop owns the <see cref="AlertBook"/> and its timers, on <see cref="TimeProvider"/>.
/// </summary>
public sealed class AlertEvaluator : IAsyncDisposable
{
    private readonly Channel<object> _inbox = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    // The state each target was last seen in: a check that leaves it unchanged costs one lookup, nothing queued.
    private readonly ConcurrentDictionary<string, TargetState> _seen = new(StringComparer.Ordinal);
    private readonly IAlertSettingsSource _settings;
    private readonly IAlertOutbox _outbox;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly AlertBook _book;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TargetScheduler> _attached = [];
    // The attached schedulers, read without a lock on their threads: where a target's depends-on is looked up.
    private volatile TargetScheduler[] _schedulers = [];
    // The alerts held back by a DOWN dependency, by target: read by the pages on any thread.
    private volatile IReadOnlyDictionary<string, HeldAlert> _held = new Dictionary<string, HeldAlert>();
    private volatile IReadOnlySet<string> _flapping = FrozenSet<string>.Empty;
    private long _published;
    private Task? _loop;
    private long _decisions;
    private long _observed;

    public AlertEvaluator(IAlertSettingsSource settings, IAlertOutbox outbox, TimeProvider? clock = null, ILogger? log = null, Func<DateTimeOffset, Guid>? newId = null, FlapDetection? flap = null)
    {
        _settings = settings;
        _outbox = outbox;
        _clock = clock ?? TimeProvider.System;
        _log = (log ?? Serilog.Core.Logger.None).ForContext<AlertEvaluator>();
        _book = new AlertBook(newId, flap);
    }

    /// <summary>Decisions handed to the outbox since start.</summary>
    public long Decisions => Interlocked.Read(ref _decisions);

    /// <summary>The alerts held back now because the target they depend on is DOWN, by target (<c>group/name</c>).</summary>
    public IReadOnlyDictionary<string, HeldAlert> Held => _held;

    /// <summary>The targets (<c>group/name</c>) flapping now: changing between UP and DOWN too often to alert each change.</summary>
    public IReadOnlySet<string> Flapping => _flapping;

    /// <summary>Target observations taken (state changes and first settled checks) since start.</summary>
    public long Observed => Interlocked.Read(ref _observed);

    /// <summary>Starts deciding, from what the channels were told before (read back from the store).</summary>
    public void Start(IEnumerable<NotifiedState> told)
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The alert evaluator is already started.");
        }

        _book.Restore(told);
        _settings.Changed += OnSettingsChanged;
        _inbox.Writer.TryWrite(_settings.Current);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Follows this scheduler's state changes (and first checks) until disposed.</summary>
    public void Attach(TargetScheduler scheduler)
    {
        scheduler.StateChanged += OnStateChanged;
        scheduler.CheckCompleted += OnCheckCompleted;
        scheduler.Removed += OnRemoved;
        lock (_attached)
        {
            _attached.Add(scheduler);
            _schedulers = [.. _attached];
        }
    }

    public void OnStateChanged(TargetStateChange change)
    {
        _seen[change.Target] = change.To;
        var result = change.Result;
        _inbox.Writer.TryWrite(Observation(change.Target, change.Id, change.To, change.At, result?.Code, Info(result?.Info), change.Reason) with { DependsOn = DependsOn(change.Target) });
    }

    public void OnCheckCompleted(TargetCheckResult completed)
    {
        if (_seen.ContainsKey(completed.Target) || !Settled(completed.Display))
        {
            return;
        }

        // The first settled state after start: no state change announces a target that was DOWN (or UP) already.
        _seen[completed.Target] = completed.State;
        var result = completed.Result;
        _inbox.Writer.TryWrite(Observation(completed.Target, completed.Id, completed.State, completed.CompletedAt, result.Code, Info(result.Info), result.Description) with { DependsOn = DependsOn(completed.Target) });
    }

    /// <summary>
    /// A target deleted (or renamed): its firing alerts are resolved as deleted, its held and flapping state dropped. One handed
    /// over to another node is forgotten without a word: its stored states are the new owner's to go on from.
    /// </summary>
    public void OnRemoved(TargetRemoval removal)
    {
        _seen.TryRemove(removal.Target, out _);
        _inbox.Writer.TryWrite(removal);
    }

    /// <summary>
    /// Targets about to be added to an attached scheduler after they were checked by another node, with what the channels
    /// were told of them as stored now. Called before they are added: queued ahead of their first observation, so it is
    /// taken first.
    /// </summary>
    public void Adopt(IReadOnlyCollection<string> targets, IReadOnlyList<NotifiedState> told)
    {
        foreach (var target in targets)
        {
            _seen.TryRemove(target, out _);
        }

        _inbox.Writer.TryWrite(new Adoption(targets, told));
    }

    /// <summary>
    /// Completes once everything queued before this call (state changes, removals) was taken and what it decided was handed
    /// to the outbox; at once when the evaluator is stopped. A caller that needs it stored then waits for the outbox.
    /// </summary>
    public Task DecidedAsync(CancellationToken ct)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _inbox.Writer.TryWrite(new Barrier(reached)) ? reached.Task.WaitAsync(ct) : Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_attached)
        {
            foreach (var scheduler in _attached)
            {
                scheduler.StateChanged -= OnStateChanged;
                scheduler.CheckCompleted -= OnCheckCompleted;
                scheduler.Removed -= OnRemoved;
            }

            _attached.Clear();
            _schedulers = [];
        }

        _settings.Changed -= OnSettingsChanged;
        _inbox.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    // "UP 2/3" or "DOWN 1/2" is on its way: a restart must not resolve (or alert) from a check that did not settle it.
    private static bool Settled(string display) => display is "UP" or "DOWN" or "MAINT";

    private string? DependsOn(string target)
    {
        foreach (var scheduler in _schedulers)
        {
            if (scheduler.Find(target) is { } snapshot)
            {
                return snapshot.Definition.DependsOn;
            }
        }

        return null;
    }

    private static string? Info(string? info) => string.IsNullOrEmpty(info) ? null : info;

    private static TargetObservation Observation(string target, long? id, TargetState state, DateTimeOffset at, string? code, string? info, string description)
    {
        int slash = target.IndexOf('/', StringComparison.Ordinal);
        return new TargetObservation(target[..Math.Max(0, slash)], target[(slash + 1)..], id, state, at, code, info, description);
    }

    private void OnSettingsChanged(AlertSettings settings) => _inbox.Writer.TryWrite(settings);

    private async Task RunAsync()
    {
        var reader = _inbox.Reader;
        var reached = new List<Barrier>();
        try
        {
            while (true)
            {
                try
                {
                    while (reader.TryRead(out var item))
                    {
                        if (item is Barrier barrier)
                        {
                            reached.Add(barrier);
                            continue;
                        }

                        Take(item);
                    }

                    var now = _clock.GetUtcNow();
                    foreach (var decision in _book.Due(now))
                    {
                        Interlocked.Increment(ref _decisions);
                        _outbox.Add(decision);
                    }

                    // After the decisions: an alert they told is stored DOWN by them, not dropped here.
                    if (_book.PendingChanges(now) is { Count: > 0 } pending)
                    {
                        _outbox.Add(new AlertDecision(null, pending));
                    }

                    if (_book.Version != _published)
                    {
                        _published = _book.Version;
                        _held = new Dictionary<string, HeldAlert>(_book.Held, StringComparer.Ordinal);
                        _flapping = _book.Flapping.ToFrozenSet(StringComparer.Ordinal);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A bug in one decision must not silence every later alert.
                    _log.Error(e, "The alert evaluator failed on an observation or a decision; it goes on with the next");
                }

                // After this turn's decisions: what was queued before a barrier is decided and handed to the outbox.
                foreach (var barrier in reached)
                {
                    barrier.Reached.TrySetResult();
                }

                reached.Clear();

                if (!await WaitAsync(reader, _book.NextDue).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private void Take(object item)
    {
        var now = _clock.GetUtcNow();
        switch (item)
        {
            case TargetObservation seen:
                _book.Observe(seen, now);
                Interlocked.Increment(ref _observed);
                break;
            case TargetRemoval { Reason: RemovalReason.HandedOver } handedOver:
                _book.HandOver(handedOver.Target, now);
                break;
            case TargetRemoval removal:
                _book.Forget(removal.Target, removal.At);
                break;
            case Adoption adoption:
                _book.Adopt(adoption.Targets, adoption.Told, now);
                break;
            case AlertSettings settings:
                _book.Apply(settings, now);
                _log.Information("Alert rules in force: {Routes} rule and channel pairs", _book.RouteCount);
                break;
        }
    }

    private sealed record Barrier(TaskCompletionSource Reached);

    private sealed record Adoption(IReadOnlyCollection<string> Targets, IReadOnlyList<NotifiedState> Told);

    /// <summary>Until something arrives or <paramref name="due"/> comes; false once the inbox is closed.</summary>
    private async Task<bool> WaitAsync(ChannelReader<object> reader, DateTimeOffset? due)
    {
        if (due is null)
        {
            return await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false);
        }

        var delay = due.Value - _clock.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            return true;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var timer = Task.Delay(delay, _clock, wake.Token);
        var arrival = reader.WaitToReadAsync(wake.Token).AsTask();
        var first = await Task.WhenAny(timer, arrival).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        _stop.Token.ThrowIfCancellationRequested();
        if (first == arrival)
        {
            return await arrival.ConfigureAwait(false);
        }

        return true;
    }
}
