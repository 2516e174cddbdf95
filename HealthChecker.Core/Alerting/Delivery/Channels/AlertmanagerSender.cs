using System.Collections.Concurrent;
using System.Net.Http.Json;
using HealthChecker.Core.Alerting.Delivery.Messages;

namespace HealthChecker.Core.Alerting.Delivery.Channels;

/// <summary>
/// The Alertmanager channel: a message's alerts are pushed to <c>&lt;url&gt;/api/v2/alerts</c>, the firing ones with an
/// <c>endsAt</c> <see cref="FiringAhead"/> ahead, the resolved ones with their end. Alertmanager resolves an alert that
/// is not sent again before its <c>endsAt</c>, so the alerts still firing on each channel (as last delivered, or as told
/// before a restart, see <see cref="Resume"/>) are re-sent every <see cref="ResendInterval"/>, as Prometheus does. A push
/// and a re-send of one channel never overlap, so a late re-send cannot fire again what a resolution just ended.
/// </summary>
public sealed class AlertmanagerSender : IChannelSender, IAsyncDisposable
{
    public const string AlertsPath = "api/v2/alerts";

    public static readonly TimeSpan ResendInterval = TimeSpan.FromMinutes(1);

    /// <summary>Four re-sends, as Prometheus gives: a few lost re-sends do not resolve an alert.</summary>
    public static readonly TimeSpan FiringAhead = 4 * ResendInterval;

    private readonly HttpDelivery _http;
    private readonly IAlertSettingsSource? _settings;
    private readonly TimeProvider _clock;
    private readonly string _root;
    private readonly ConcurrentDictionary<string, FiringSet> _firing = new(StringComparer.Ordinal);
    private readonly ITimer _timer;
    private int _resending;

    /// <param name="settings">Where a re-send finds its channel's current URL (a channel removed is no longer re-sent); null: the URL last used.</param>
    public AlertmanagerSender(HttpDelivery http, Uri? externalUrl = null, IAlertSettingsSource? settings = null, TimeProvider? clock = null)
    {
        _http = http;
        _settings = settings;
        _clock = clock ?? TimeProvider.System;
        _root = MessageLinks.Root(externalUrl);
        _timer = _clock.CreateTimer(_ => _ = ResendAsync(CancellationToken.None), null, ResendInterval, ResendInterval);
    }

    public ChannelKind Kind => ChannelKind.Alertmanager;

    /// <summary>The alerts re-sent to a channel, by rule and target.</summary>
    public IReadOnlyList<AlertmanagerAlert> Firing(string channel) =>
        _firing.TryGetValue(channel, out var set) ? set.Snapshot() : [];

    /// <summary>After a restart: the alerts told DOWN to Alertmanager channels before are re-sent again (their messages are not repeated).</summary>
    public void Resume(IEnumerable<NotifiedState> told, AlertSettings settings)
    {
        var until = _clock.GetUtcNow() + FiringAhead;
        foreach (var state in told.Where(s => s.Down))
        {
            if (settings.Channels.FirstOrDefault(c => c.Name == state.Channel) is not { Kind: ChannelKind.Alertmanager } channel)
            {
                continue;
            }

            var slash = state.Target.IndexOf('/', StringComparison.Ordinal);
            var item = new AlertItem(state.Target, slash < 0 ? "" : state.Target[..slash], state.Target[(slash + 1)..], null, true,
                state.Since, null, state.Code, state.Info, "");
            Set(channel).Fire(AlertmanagerAlert.From(state.Rule, item, _root, until), channel);
        }
    }

    /// <summary>A target now checked by another node: its alerts are no longer re-sent from here (that node re-sends and resolves them).</summary>
    public void HandOver(string target)
    {
        foreach (var set in _firing.Values)
        {
            set.Drop(target);
        }
    }

    public async Task<DeliveryAnswer> SendAsync(ChannelDefinition channel, AlertMessage message, CancellationToken cancellationToken)
    {
        if (channel.Url is null)
        {
            return DeliveryAnswer.Failed("the channel has no URL");
        }

        var set = Set(channel);
        await set.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var until = _clock.GetUtcNow() + FiringAhead;
            var alerts = message.Alerts.Select(a => AlertmanagerAlert.From(message.Rule, a, _root, until)).ToList();
            var answer = await PostAsync(channel, message.Id, alerts, cancellationToken).ConfigureAwait(false);
            // A test alert ends by itself (its endsAt) rather than being kept firing.
            if (answer.Outcome == DeliveryOutcome.Delivered && !ChannelTest.IsTest(message))
            {
                foreach (var (item, alert) in message.Alerts.Zip(alerts))
                {
                    if (item.Firing)
                    {
                        set.Fire(alert, channel);
                    }
                    else
                    {
                        set.Resolve(alert.Key);
                    }
                }
            }

            return answer;
        }
        finally
        {
            set.Lock.Release();
        }
    }

    /// <summary>Re-sends every channel's firing alerts now (the timer's work); the answers, by channel, of those it sent.</summary>
    public async Task<IReadOnlyDictionary<string, DeliveryAnswer>> ResendAsync(CancellationToken cancellationToken)
    {
        var answers = new Dictionary<string, DeliveryAnswer>(StringComparer.Ordinal);
        if (Interlocked.Exchange(ref _resending, 1) == 1)
        {
            return answers; // The last round still runs (a receiver slow to answer).
        }

        try
        {
            foreach (var (name, set) in _firing)
            {
                await set.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var channel = Current(name, set.Channel);
                    var alerts = set.Snapshot();
                    if (channel is null)
                    {
                        _firing.TryRemove(name, out _);
                        continue;
                    }

                    if (alerts.Count == 0)
                    {
                        continue;
                    }

                    var until = _clock.GetUtcNow() + FiringAhead;
                    answers[name] = await PostAsync(channel, Guid.CreateVersion7(), [.. alerts.Select(a => a.FiringUntil(until))], cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    answers[name] = DeliveryAnswer.Retry($"{e.GetType().Name}: {e.Message}"); // The next round tries again.
                }
                finally
                {
                    set.Lock.Release();
                }
            }

            return answers;
        }
        finally
        {
            Volatile.Write(ref _resending, 0);
        }
    }

    public async ValueTask DisposeAsync() => await _timer.DisposeAsync().ConfigureAwait(false);

    private Task<DeliveryAnswer> PostAsync(ChannelDefinition channel, Guid id, IReadOnlyList<AlertmanagerAlert> alerts, CancellationToken cancellationToken) =>
        _http.PostAsync(channel, AlertsUrl(channel.Url!), id, JsonContent.Create(alerts), cancellationToken);

    internal static Uri AlertsUrl(Uri baseUrl) => new(new Uri(baseUrl.ToString().TrimEnd('/') + "/"), AlertsPath);

    private FiringSet Set(ChannelDefinition channel) => _firing.GetOrAdd(channel.Name, _ => new FiringSet(channel));

    /// <summary>The channel as the settings have it now; null once it is gone or no longer an Alertmanager.</summary>
    private ChannelDefinition? Current(string name, ChannelDefinition last)
    {
        if (_settings is null)
        {
            return last;
        }

        return _settings.Current.Channels.FirstOrDefault(c => c.Name == name) is { Kind: ChannelKind.Alertmanager, Url: not null } now ? now : null;
    }

    /// <summary>One channel's alerts still firing, and the lock that keeps its pushes and re-sends apart.</summary>
    private sealed class FiringSet(ChannelDefinition channel)
    {
        private readonly Dictionary<string, AlertmanagerAlert> _alerts = new(StringComparer.Ordinal);

        public SemaphoreSlim Lock { get; } = new(1, 1);

        public ChannelDefinition Channel { get; private set; } = channel;

        public void Fire(AlertmanagerAlert alert, ChannelDefinition channel)
        {
            lock (_alerts)
            {
                _alerts[alert.Key] = alert;
                Channel = channel;
            }
        }

        public void Resolve(string key)
        {
            lock (_alerts)
            {
                _alerts.Remove(key);
            }
        }

        public void Drop(string target)
        {
            lock (_alerts)
            {
                foreach (var key in _alerts.Where(a => a.Value.Labels["target"] == target).Select(a => a.Key).ToList())
                {
                    _alerts.Remove(key);
                }
            }
        }

        public IReadOnlyList<AlertmanagerAlert> Snapshot()
        {
            lock (_alerts)
            {
                return [.. _alerts.Values.OrderBy(a => a.Key, StringComparer.Ordinal)];
            }
        }
    }
}
