using HealthChecker.Core.Health;

namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// One rule's alerts to one channel, with Alertmanager's grouping: the first alert of a quiet group waits
/// <see cref="AlertRule.GroupWait"/> for others; later changes go at most every <see cref="AlertRule.GroupInterval"/>;
/// while alerts fire, the group is sent again every <see cref="AlertRule.Repeat"/> (the reminder). Not thread-safe:
/// the evaluator's loop owns it.
/// </summary>
internal sealed class AlertRoute(AlertRule rule, string channel)
{
    private readonly Dictionary<string, RouteAlert> _alerts = new(StringComparer.Ordinal);
    // Targets waiting out the rule's `after`, by when; stale entries (the target came back) are skipped when met.
    private readonly PriorityQueue<string, DateTimeOffset> _waiting = new();
    private DateTimeOffset? _flushAt;
    private DateTimeOffset? _lastSent;

    public AlertRule Rule => rule;

    public string Channel => channel;

    public string GroupKey => $"{{}}:{{alertname=\"{rule.Name}\", channel=\"{channel}\"}}";

    /// <summary>The earliest time <see cref="Due"/> has something to do, or null.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            var next = _flushAt;
            if (_waiting.TryPeek(out _, out var after))
            {
                next = Earliest(next, after);
            }

            if (rule.Repeat is { } repeat && _lastSent is { } last && _alerts.Values.Any(a => a.Sendable))
            {
                next = Earliest(next, last + repeat);
            }

            return next;
        }
    }

    /// <summary>Alerts told DOWN before a restart: they fire on, and their first observation resolves or keeps them.</summary>
    public void Restore(NotifiedState told)
    {
        if (_alerts.TryGetValue(told.Target, out var deleted) && deleted.DeletedAt is not null)
        {
            // Its name was deleted here and the deletion is still to be told: that goes first, as it would without this state.
            return;
        }

        if (told.Pending)
        {
            // Decided before the restart and not told: once the target is seen DOWN again, it goes when it was due then.
            var held = Alert(told.Target, null);
            held.DownSince = told.Since;
            held.Code = told.Code;
            held.Info = told.Info;
            held.RestoredDue = told.NotifiedAt;
            return;
        }

        if (!told.Down)
        {
            return;
        }

        var alert = Alert(told.Target, null);
        alert.DownSince = told.Since;
        alert.Firing = true;
        alert.ToldDown = true;
        alert.Code = told.Code;
        alert.Info = told.Info;
        _lastSent = Latest(_lastSent, told.NotifiedAt);
    }

    public void Observe(TargetObservation seen, DateTimeOffset now)
    {
        var alert = Alert(seen.Target, seen);
        alert.Latest = seen;
        if (alert.DeletedAt is not null)
        {
            // The name is back (re-added, or taken by another target) before its deletion was told: its alert goes on from this state.
            alert.DeletedAt = null;
            alert.DownSince = null;
        }

        if (alert.Flapping)
        {
            // Its changes are not told one by one: the state is followed, and told once it is stable again.
            alert.InMaintenance = seen.State == TargetState.Maint;
            alert.DownSince = seen.State == TargetState.Down ? alert.DownSince ?? seen.At : null;
            if (seen.State == TargetState.Down)
            {
                (alert.Code, alert.Info) = (seen.Code, seen.Info);
            }

            return;
        }

        switch (seen.State)
        {
            case TargetState.Down:
                alert.InMaintenance = false;
                if (alert.DownSince is not null)
                {
                    if (alert.RestoredDue is { } due && !alert.ToldDown)
                    {
                        alert.RestoredDue = null;
                        alert.Firing = true;
                        _flushAt = _flushAt is { } flush && flush <= due ? flush : due;
                    }

                    break;
                }

                alert.DownSince = seen.At;
                alert.Code = seen.Code;
                alert.Info = seen.Info;
                if (alert.ToldDown)
                {
                    // Already told (before a restart, or before a pause): it fires on without a new alert.
                    alert.Firing = true;
                }
                else if (seen.At + rule.After <= now)
                {
                    Fire(alert, now);
                }
                else
                {
                    _waiting.Enqueue(seen.Target, seen.At + rule.After);
                }

                break;
            case TargetState.Up:
                alert.InMaintenance = false;
                alert.DownSince = null;
                alert.Firing = false;
                if (alert.ToldDown)
                {
                    Schedule(now);
                }
                else
                {
                    _alerts.Remove(seen.Target);
                }

                break;
            case TargetState.Maint:
                // Paused is neither: no alert starts, none resolves, no reminder; what was told stays told.
                alert.InMaintenance = true;
                alert.DownSince = null;
                if (!alert.ToldDown)
                {
                    _alerts.Remove(seen.Target);
                }

                break;
        }
    }

    /// <summary>The target started flapping: one alert says so (unless it was told already); its changes are not told until it is stable.</summary>
    public void Flap(TargetObservation seen, DateTimeOffset now)
    {
        var alert = Alert(seen.Target, seen);
        alert.Latest = seen;
        alert.Flapping = true;
        alert.Firing = true;
        alert.FlapToTell = true;
        Schedule(now);
    }

    /// <summary>The target is stable again: its state is told as it is now (DOWN alerts anew, UP resolves).</summary>
    public void Settle(string target, DateTimeOffset now)
    {
        if (!_alerts.TryGetValue(target, out var alert) || !alert.Flapping)
        {
            return;
        }

        alert.Flapping = false;
        alert.FlapToTell = false;
        switch (alert.Latest?.State)
        {
            case TargetState.Down:
                alert.ToldDown = false;
                Fire(alert, now);
                break;
            case TargetState.Up when alert.ToldDown:
                alert.Firing = false;
                Schedule(now);
                break;
            default:
                alert.Firing = false;
                if (!alert.ToldDown)
                {
                    _alerts.Remove(target);
                }

                break;
        }
    }

    /// <summary>The target was deleted: an alert told DOWN is resolved as deleted with the group's next message; any other is dropped.</summary>
    public void Delete(string target, DateTimeOffset now)
    {
        if (!_alerts.TryGetValue(target, out var alert))
        {
            return;
        }

        if (!alert.ToldDown)
        {
            _alerts.Remove(target);
            return;
        }

        alert.DeletedAt = now;
        alert.Firing = false;
        alert.InMaintenance = false;
        alert.Flapping = false;
        alert.FlapToTell = false;
        Schedule(now);
    }

    /// <summary>The target is checked by another node now: its alert is dropped without a word (a deletion still to be told is kept).</summary>
    public void HandOver(string target)
    {
        if (_alerts.TryGetValue(target, out var alert) && alert.DeletedAt is null)
        {
            _alerts.Remove(target);
        }
    }

    /// <summary>A target's alert held back by its dependency may go now: the group's next message is scheduled.</summary>
    public void Release(string target, DateTimeOffset now)
    {
        if (_alerts.TryGetValue(target, out var alert) && alert.Sendable && !alert.ToldDown)
        {
            Schedule(now);
        }
    }

    /// <summary>
    /// What is due at <paramref name="now"/>: a message for the group, or only notified states (a silent resolution), or null.
    /// A new alert whose target's dependency is DOWN (<paramref name="heldBy"/> names it) is held back, not sent, and added to <paramref name="held"/>.
    /// </summary>
    public AlertDecision? Due(DateTimeOffset now, Func<DateTimeOffset, Guid> newId, Func<string, string?>? heldBy = null, List<HeldAlert>? held = null)
    {
        while (_waiting.TryPeek(out var target, out var at) && at <= now)
        {
            _waiting.Dequeue();
            if (_alerts.TryGetValue(target, out var waiting) && waiting.DownSince is { } since && since + rule.After == at && !waiting.Firing)
            {
                Fire(waiting, now);
            }
        }

        bool reminder = rule.Repeat is { } repeat && _lastSent is { } last && last + repeat <= now;
        if (!(_flushAt <= now) && !reminder)
        {
            return null;
        }

        _flushAt = null;
        var firing = new List<RouteAlert>();
        foreach (var a in _alerts.Values.Where(a => a.Sendable).OrderBy(a => a.Target, StringComparer.Ordinal))
        {
            if (!a.ToldDown && heldBy?.Invoke(a.Target) is { } parent)
            {
                held?.Add(new HeldAlert(rule.Name, channel, a.Target, parent, a.DownSince ?? now, now));
            }
            else
            {
                firing.Add(a);
            }
        }

        var resolved = _alerts.Values.Where(a => a.ToldDown && !a.Firing && (a.DeletedAt is not null || (!a.InMaintenance && a.Latest?.State == TargetState.Up)))
            .OrderBy(a => a.Target, StringComparer.Ordinal).ToList();
        bool changed = firing.Any(a => !a.ToldDown || a.FlapToTell) || resolved.Count > 0;
        if (!changed && !(reminder && firing.Count > 0))
        {
            if (firing.Count == 0)
            {
                _lastSent = null;
            }

            return null;
        }

        bool sendResolved = rule.Resolved && resolved.Count > 0;
        AlertMessage? message = null;
        var id = newId(now);
        if (firing.Count > 0 || sendResolved)
        {
            // What changed first (a receiver that shows only the first alerts, or a truncated payload, still shows it), then what fires on.
            var items = (sendResolved ? resolved.Select(a => Item(a, false, now)) : [])
                .Concat(firing.Where(a => !a.ToldDown || a.FlapToTell).Select(a => Item(a, true, now)))
                .Concat(firing.Where(a => a.ToldDown && !a.FlapToTell).Select(a => Item(a, true, now)))
                .ToList();
            message = new AlertMessage(id, rule.Name, channel, GroupKey, now, items);
        }

        var told = new List<NotifiedState>();
        foreach (var a in firing.Where(a => a.FlapToTell))
        {
            a.FlapToTell = false;
        }

        foreach (var a in firing.Where(a => !a.ToldDown))
        {
            a.ToldDown = true;
            told.Add(new NotifiedState(rule.Name, channel, a.Target, true, a.DownSince ?? now, a.Code, a.Info, now, id));
        }

        foreach (var a in resolved)
        {
            _alerts.Remove(a.Target);
            told.Add(new NotifiedState(rule.Name, channel, a.Target, false, a.DeletedAt ?? a.Latest?.At ?? now, a.Code, a.Info, now, id));
        }

        // A group that fires on keeps its rhythm; one that went quiet starts over with group-wait.
        _lastSent = firing.Count > 0 ? now : null;
        return new AlertDecision(message, told);
    }

    /// <summary>The alerts decided and not told yet (waiting for the group's message, or held back by a dependency), as stored state.</summary>
    public IEnumerable<NotifiedState> Pending(DateTimeOffset now) => _alerts.Values.Where(a => (a.Sendable || a.RestoredDue is not null) && !a.ToldDown && a.DownSince is not null).Select(a =>
        new NotifiedState(rule.Name, channel, a.Target, false, a.DownSince!.Value, a.Code, a.Info, a.RestoredDue ?? _flushAt ?? now, Guid.Empty) { Pending = true });

    public bool IsToldDown(string target) => _alerts.TryGetValue(target, out var alert) && alert.ToldDown;

    /// <summary>The alerts told DOWN, as stored state: kept aside when the route is replaced.</summary>
    public IEnumerable<NotifiedState> ToldDown(DateTimeOffset now) => _alerts.Values.Where(a => a.ToldDown).Select(a =>
        new NotifiedState(rule.Name, channel, a.Target, true, a.DownSince ?? now, a.Code, a.Info, _lastSent ?? now, Guid.Empty));

    private void Fire(RouteAlert alert, DateTimeOffset now)
    {
        alert.Firing = true;
        Schedule(now);
    }

    private void Schedule(DateTimeOffset now)
    {
        if (_flushAt is not null)
        {
            return;
        }

        _flushAt = _lastSent is { } last ? Latest(now, last + rule.GroupInterval) : now + rule.GroupWait;
    }

    private RouteAlert Alert(string target, TargetObservation? seen)
    {
        if (!_alerts.TryGetValue(target, out var alert))
        {
            alert = new RouteAlert(target) { Latest = seen };
            _alerts[target] = alert;
        }

        return alert;
    }

    private static AlertItem Item(RouteAlert a, bool firing, DateTimeOffset now)
    {
        var seen = a.Latest;
        int slash = a.Target.IndexOf('/', StringComparison.Ordinal);
        var (group, name) = seen is not null ? (seen.Group, seen.Name) : (a.Target[..Math.Max(0, slash)], a.Target[(slash + 1)..]);
        return new AlertItem(
            a.Target,
            group,
            name,
            seen?.Id,
            firing,
            a.DownSince ?? seen?.At ?? now,
            firing ? null : a.DeletedAt ?? seen?.At ?? now,
            a.Code,
            a.Info,
            a.DeletedAt is null ? seen?.Description ?? "" : "the target was deleted")
        {
            Flapping = a.Flapping,
            Deleted = !firing && a.DeletedAt is not null,
        };
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x <= b ? x : b;

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x >= b ? x : b;

    private sealed class RouteAlert(string target)
    {
        public string Target => target;

        public TargetObservation? Latest { get; set; }

        public DateTimeOffset? DownSince { get; set; }

        public bool Firing { get; set; }

        /// <summary>The channel was told DOWN (by a message decided, not necessarily delivered yet).</summary>
        public bool ToldDown { get; set; }

        public bool InMaintenance { get; set; }

        /// <summary>Decided before a restart and not told (a PENDING state read back): when its message was due then.</summary>
        public DateTimeOffset? RestoredDue { get; set; }

        /// <summary>When the target was deleted: the alert told DOWN is resolved as deleted.</summary>
        public DateTimeOffset? DeletedAt { get; set; }

        /// <summary>Changing state too often: one alert says so, its changes are not told.</summary>
        public bool Flapping { get; set; }

        /// <summary>The channel is still to be told that it flaps.</summary>
        public bool FlapToTell { get; set; }

        public string? Code { get; set; }

        public string? Info { get; set; }

        /// <summary>In the group's message: firing and not paused.</summary>
        public bool Sendable => Firing && !InMaintenance;
    }
}
