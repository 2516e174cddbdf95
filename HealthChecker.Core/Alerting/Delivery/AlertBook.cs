using HealthChecker.Core.Health;

namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// The evaluator's decisions, without threads or clocks: the routes (one per rule and channel) of the settings in
/// force, the targets' latest settled states, and what each route told before a restart. The caller feeds it
/// observations and the time; <see cref="Due"/> says what to send. Not thread-safe: one loop owns it.
/// </summary>
internal sealed class AlertBook
{
    private readonly Dictionary<(string Rule, string Channel), AlertRoute> _routes = [];
    private readonly Dictionary<string, TargetObservation> _targets = new(StringComparer.Ordinal);
    // Told DOWN, of routes not (or no longer) in the settings: picked up when such a route appears.
    private readonly Dictionary<(string Rule, string Channel), List<NotifiedState>> _aside = [];
    private readonly Func<DateTimeOffset, Guid> _newId;
    private readonly FlapDetection _flap;
    // Per target, its changes between UP and DOWN within the flap window; and the flapping ones, by their last change.
    private readonly Dictionary<string, Queue<DateTimeOffset>> _changes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _flapping = new(StringComparer.Ordinal);
    // Each target's dependants, by the depends-on of their latest observation: released when it is no longer DOWN.
    private readonly Dictionary<string, HashSet<string>> _dependants = new(StringComparer.Ordinal);
    // The latest alert held back per target, until the target is UP again (what the events page shows).
    private readonly Dictionary<string, HeldAlert> _held = new(StringComparer.Ordinal);
    // The decided, not yet told alerts as last handed to the store, by rule, channel and target.
    private readonly Dictionary<(string Rule, string Channel, string Target), NotifiedState> _pendingStored = [];

    public AlertBook(Func<DateTimeOffset, Guid>? newId = null, FlapDetection? flap = null)
    {
        _newId = newId ?? Guid.CreateVersion7;
        _flap = flap ?? FlapDetection.Default;
    }

    /// <summary>Moves on whenever <see cref="Held"/> or <see cref="Flapping"/> changes: the evaluator publishes them then.</summary>
    public long Version { get; private set; }

    /// <summary>The targets flapping now.</summary>
    public IReadOnlyCollection<string> Flapping => _flapping.Keys;

    public int RouteCount => _routes.Count;

    /// <summary>What the channels were told before this start (from the store).</summary>
    public void Restore(IEnumerable<NotifiedState> told)
    {
        foreach (var state in told.Where(t => t.Down || t.Pending))
        {
            if (state.Pending)
            {
                _pendingStored[(state.Rule, state.Channel, state.Target)] = state;
            }

            var key = (state.Rule, state.Channel);
            if (_routes.TryGetValue(key, out var route))
            {
                route.Restore(state);
            }
            else
            {
                Aside(key).Add(state);
            }
        }
    }

    /// <summary>New settings: routes whose rule is unchanged keep their state; the others start over from what is known.</summary>
    public void Apply(AlertSettings settings, DateTimeOffset now)
    {
        var channels = settings.Channels.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var wanted = new Dictionary<(string, string), AlertRule>();
        foreach (var rule in settings.Rules)
        {
            foreach (var channel in rule.Channels.Where(channels.Contains))
            {
                wanted[(rule.Name, channel)] = rule;
            }
        }

        foreach (var (key, route) in _routes.ToList())
        {
            if (!wanted.TryGetValue(key, out var rule) || rule != route.Rule)
            {
                Aside(key).AddRange(route.ToldDown(now));
                _routes.Remove(key);
            }
        }

        foreach (var (key, rule) in wanted)
        {
            if (_routes.ContainsKey(key))
            {
                continue;
            }

            var route = new AlertRoute(rule, key.Item2);
            if (_aside.Remove(key, out var told))
            {
                foreach (var state in told.Where(t => TargetPattern.Matches(rule.Targets, GroupOf(t.Target), NameOf(t.Target))))
                {
                    route.Restore(state);
                }
            }

            foreach (var seen in _targets.Values.Where(t => TargetPattern.Matches(rule.Targets, t.Group, t.Name)))
            {
                route.Observe(seen, now);
                if (_flapping.ContainsKey(seen.Target))
                {
                    route.Flap(seen, now);
                }
            }

            _routes[key] = route;
        }
    }

    public void Observe(TargetObservation seen, DateTimeOffset now)
    {
        if (seen.State == TargetState.Unknown)
        {
            return;
        }

        var before = _targets.GetValueOrDefault(seen.Target);
        _targets[seen.Target] = seen;
        if (before?.DependsOn != seen.DependsOn)
        {
            Depend(seen.Target, before?.DependsOn, seen.DependsOn);
        }

        if (seen.State != TargetState.Down && _held.Remove(seen.Target))
        {
            Version++;
        }

        foreach (var route in _routes.Values)
        {
            if (TargetPattern.Matches(route.Rule.Targets, seen.Group, seen.Name))
            {
                route.Observe(seen, now);
            }
        }

        if (before?.State == TargetState.Down && seen.State != TargetState.Down)
        {
            Release(seen.Target, now);
        }

        if (before is not null && before.State != seen.State && IsUpOrDown(before.State) && IsUpOrDown(seen.State))
        {
            CountChange(seen, now);
        }
    }

    private static bool IsUpOrDown(TargetState state) => state is TargetState.Up or TargetState.Down;

    /// <summary>One more change between UP and DOWN: beyond the limit within the window, the target flaps and alerts once as flapping.</summary>
    private void CountChange(TargetObservation seen, DateTimeOffset now)
    {
        if (!_changes.TryGetValue(seen.Target, out var changes))
        {
            changes = new Queue<DateTimeOffset>();
            _changes[seen.Target] = changes;
        }

        changes.Enqueue(seen.At);
        while (changes.Peek() <= seen.At - _flap.Window)
        {
            changes.Dequeue();
        }

        if (_flapping.ContainsKey(seen.Target))
        {
            _flapping[seen.Target] = seen.At;
            return;
        }

        if (changes.Count <= _flap.MaxChanges)
        {
            return;
        }

        _flapping[seen.Target] = seen.At;
        Version++;
        foreach (var route in _routes.Values)
        {
            if (TargetPattern.Matches(route.Rule.Targets, seen.Group, seen.Name))
            {
                route.Flap(seen, now);
            }
        }
    }

    /// <summary>Targets without a change for the flap window are stable again: their state is told as it is.</summary>
    private void Settle(DateTimeOffset now)
    {
        if (_flapping.Count == 0)
        {
            return;
        }

        foreach (var (target, last) in _flapping.ToList())
        {
            if (last + _flap.Window > now)
            {
                continue;
            }

            _flapping.Remove(target);
            _changes.Remove(target);
            Version++;
            foreach (var route in _routes.Values)
            {
                route.Settle(target, now);
            }
        }
    }

    /// <summary>
    /// A target removed from the engine: what its routes told DOWN is resolved as deleted with the group's next message (a
    /// receiver must not see it fire for good), the rest of it is dropped; its dependants go free.
    /// </summary>
    public void Forget(string target, DateTimeOffset now)
    {
        foreach (var route in _routes.Values)
        {
            route.Delete(target, now);
        }

        Drop(target, now);
    }

    /// <summary>
    /// A target handed over to another node: what this book holds of it goes without a message (nothing about it ended), and
    /// its told and pending states stay stored, not rewritten, for the new owner; its dependants here go free.
    /// </summary>
    public void HandOver(string target, DateTimeOffset now)
    {
        foreach (var route in _routes.Values)
        {
            route.HandOver(target);
        }

        foreach (var key in _pendingStored.Keys.Where(k => k.Target == target).ToList())
        {
            _pendingStored.Remove(key);
        }

        Drop(target, now);
    }

    /// <summary>What a deleted or handed-over target leaves behind in this book, dropped; its dependants go free.</summary>
    private void Drop(string target, DateTimeOffset now)
    {
        foreach (var told in _aside.Values)
        {
            told.RemoveAll(t => t.Target == target);
        }

        bool changed = _held.Remove(target) | _flapping.Remove(target);
        _changes.Remove(target);
        if (_targets.Remove(target, out var gone))
        {
            Depend(target, gone.DependsOn, null);
            if (gone.State == TargetState.Down)
            {
                Release(target, now);
            }
        }

        if (changed)
        {
            Version++;
        }
    }

    /// <summary>
    /// Targets taken over from another node, before their first check here: <paramref name="told"/> (read from the store just
    /// now) replaces what this book held of them since its start. A target observed here already keeps what it has.
    /// </summary>
    public void Adopt(IReadOnlyCollection<string> targets, IEnumerable<NotifiedState> told, DateTimeOffset now)
    {
        var adopted = targets.Where(t => !_targets.ContainsKey(t)).ToHashSet(StringComparer.Ordinal);
        foreach (var target in adopted)
        {
            HandOver(target, now);
        }

        Restore(told.Where(t => adopted.Contains(t.Target)));
    }

    /// <summary>The alerts held back now, by target: each names the DOWN target it depends on.</summary>
    public IReadOnlyDictionary<string, HeldAlert> Held => _held;

    /// <summary>The DOWN target that holds back <paramref name="target"/>'s new alerts, or null (a chain that leads back to it holds nothing).</summary>
    public string? HeldBy(string target)
    {
        if (_targets.GetValueOrDefault(target)?.DependsOn is not { } parent
            || _targets.GetValueOrDefault(parent) is not { State: TargetState.Down })
        {
            return null;
        }

        // A cycle (dependencies edited one by one through the API) must not silence its targets for good.
        var at = parent;
        for (var steps = 0; steps < _targets.Count && _targets.GetValueOrDefault(at)?.DependsOn is { } next; steps++)
        {
            if (next == target)
            {
                return null;
            }

            at = next;
        }

        return parent;
    }

    private void Depend(string target, string? from, string? to)
    {
        if (from is not null && _dependants.TryGetValue(from, out var old))
        {
            old.Remove(target);
            if (old.Count == 0)
            {
                _dependants.Remove(from);
            }
        }

        if (to is not null)
        {
            if (!_dependants.TryGetValue(to, out var set))
            {
                set = new HashSet<string>(StringComparer.Ordinal);
                _dependants[to] = set;
            }

            set.Add(target);
        }
    }

    /// <summary><paramref name="parent"/> is no longer DOWN: the alerts its dependants held back go with the group's next message.</summary>
    private void Release(string parent, DateTimeOffset now)
    {
        if (!_dependants.TryGetValue(parent, out var dependants))
        {
            return;
        }

        foreach (var target in dependants)
        {
            if (_held.Remove(target))
            {
                Version++;
            }

            foreach (var route in _routes.Values)
            {
                route.Release(target, now);
            }
        }
    }

    public DateTimeOffset? NextDue
    {
        get
        {
            DateTimeOffset? next = null;
            foreach (var last in _flapping.Values)
            {
                if (next is null || last + _flap.Window < next)
                {
                    next = last + _flap.Window;
                }
            }

            foreach (var route in _routes.Values)
            {
                if (route.NextDue is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }

            return next;
        }
    }

    public List<AlertDecision> Due(DateTimeOffset now)
    {
        Settle(now);
        var decisions = new List<AlertDecision>();
        var held = new List<HeldAlert>();
        foreach (var route in _routes.Values)
        {
            if (route.NextDue <= now && route.Due(now, _newId, HeldBy, held) is { } decision)
            {
                decisions.Add(decision);
            }
        }

        foreach (var alert in held)
        {
            if (!_held.TryGetValue(alert.Target, out var before) || before.Parent != alert.Parent || before.Since != alert.Since)
            {
                _held[alert.Target] = alert;
                Version++;
            }
        }

        return decisions;
    }

    /// <summary>
    /// What changed in the decided, not yet told alerts since the last call: new ones as PENDING states; those dropped
    /// untold (the target UP again, deleted, its rule gone) as UP. One told meanwhile is left alone: its decision stores it DOWN.
    /// </summary>
    public List<NotifiedState> PendingChanges(DateTimeOffset now)
    {
        var current = new Dictionary<(string, string, string), NotifiedState>();
        foreach (var route in _routes.Values)
        {
            foreach (var pending in route.Pending(now))
            {
                current[(pending.Rule, pending.Channel, pending.Target)] = pending;
            }
        }

        var changes = new List<NotifiedState>();
        foreach (var (key, pending) in current)
        {
            if (!_pendingStored.TryGetValue(key, out var stored) || stored.Since != pending.Since || stored.Code != pending.Code || stored.Info != pending.Info)
            {
                _pendingStored[key] = pending;
                changes.Add(pending);
            }
        }

        foreach (var (key, stored) in _pendingStored.Where(p => !current.ContainsKey(p.Key)).ToList())
        {
            _pendingStored.Remove(key);
            if (!(_routes.TryGetValue((key.Rule, key.Channel), out var route) && route.IsToldDown(key.Target)))
            {
                changes.Add(stored with { Pending = false, NotifiedAt = now });
            }
        }

        return changes;
    }

    private List<NotifiedState> Aside((string, string) key)
    {
        if (!_aside.TryGetValue(key, out var list))
        {
            list = [];
            _aside[key] = list;
        }

        return list;
    }

    private static string GroupOf(string target) => target[..Math.Max(0, target.IndexOf('/', StringComparison.Ordinal))];

    private static string NameOf(string target) => target[(target.IndexOf('/', StringComparison.Ordinal) + 1)..];
}
