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

    public AlertBook(Func<DateTimeOffset, Guid>? newId = null)
    {
        _newId = newId ?? Guid.CreateVersion7;
    }

    public int RouteCount => _routes.Count;

    /// <summary>What the channels were told before this start (from the store).</summary>
    public void Restore(IEnumerable<NotifiedState> told)
    {
        foreach (var state in told.Where(t => t.Down))
        {
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

        _targets[seen.Target] = seen;
        foreach (var route in _routes.Values)
        {
            if (TargetPattern.Matches(route.Rule.Targets, seen.Group, seen.Name))
            {
                route.Observe(seen, now);
            }
        }
    }

    /// <summary>A target removed from the engine: its alerts stay as told (nothing more is learnt of it).</summary>
    public void Forget(string target) => _targets.Remove(target);

    public DateTimeOffset? NextDue
    {
        get
        {
            DateTimeOffset? next = null;
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
        var decisions = new List<AlertDecision>();
        foreach (var route in _routes.Values)
        {
            if (route.NextDue <= now && route.Due(now, _newId) is { } decision)
            {
                decisions.Add(decision);
            }
        }

        return decisions;
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
