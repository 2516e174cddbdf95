using HealthChecker.Core.Scheduling;

namespace HealthChecker.Web.Monitoring;

/// <summary>The targets other nodes check, pulled from them while someone reads them (a page open, an API call).</summary>
public interface IRemoteTargets
{
    /// <summary>The latest pull's targets, without asking for a new one.</summary>
    RemoteTargetSet Latest { get; }

    /// <summary>Someone reads the targets: pulls about once a second from now on, until nobody asked for a while.</summary>
    void Wanted();
}

/// <summary>Which node checks a target: its name, and whether it is this node.</summary>
public sealed record TargetOwner(string Name, bool Self)
{
    /// <summary>As the target page says it: <c>this node (checker-1)</c>, or the other node's name.</summary>
    public string Describe() => Self ? $"this node ({Name})" : Name;
}

/// <summary>The node that checks a target, from the shard map and the current membership.</summary>
public interface ITargetOwners
{
    /// <summary>Null while no node is Active (before this node joined).</summary>
    TargetOwner? OwnerOf(long id);
}

/// <summary>A target another node checks, as last pulled: <see cref="Stale"/> when that node did not answer since (its last known values).</summary>
public sealed record RemoteTarget(TargetSnapshot Snapshot, string Node, string Member, bool Stale);

/// <summary>One node's answer to a pull: <see cref="Targets"/> null when it did not answer in time.</summary>
public sealed record NodePull(string Member, string Node, IReadOnlyList<TargetSnapshot>? Targets);

/// <summary>
/// The targets other nodes check, by id, as of the latest pull. A node that does not answer keeps its targets at their last
/// known values, marked stale; a node that left keeps them (stale) until a pull that every Active node answered, which names
/// their new owners. <see cref="Version"/> moves whenever a target's values, staleness or presence changed.
/// </summary>
public sealed class RemoteTargetSet
{
    public static readonly RemoteTargetSet Empty = new(0, new Dictionary<long, RemoteTarget>());

    private readonly Dictionary<long, RemoteTarget> _byId;

    private RemoteTargetSet(long version, Dictionary<long, RemoteTarget> byId)
    {
        Version = version;
        _byId = byId;
    }

    public long Version { get; }

    public int Count => _byId.Count;

    public IEnumerable<RemoteTarget> Targets => _byId.Values;

    public RemoteTarget? Find(long id) => _byId.GetValueOrDefault(id);

    /// <summary>
    /// The set after one pull of every Active node but this one. An unchanged target keeps its snapshot object (a reader that
    /// hands the same snapshot for the same values lets the board see what changed by reference).
    /// </summary>
    public RemoteTargetSet Next(IReadOnlyList<NodePull> pulls)
    {
        var next = new Dictionary<long, RemoteTarget>();
        var moved = false;
        foreach (var pull in pulls)
        {
            foreach (var snapshot in pull.Targets ?? [])
            {
                if (snapshot.Id is not { } id)
                {
                    continue;
                }

                if (_byId.TryGetValue(id, out var before) && !before.Stale && ReferenceEquals(before.Snapshot, snapshot)
                    && string.Equals(before.Member, pull.Member, StringComparison.Ordinal))
                {
                    next[id] = before;
                    continue;
                }

                next[id] = new RemoteTarget(snapshot, pull.Node, pull.Member, false);
                moved = true;
            }
        }

        var everyoneAnswered = pulls.All(p => p.Targets is not null);
        foreach (var (id, before) in _byId)
        {
            if (next.ContainsKey(id))
            {
                continue;
            }

            var pull = pulls.FirstOrDefault(p => string.Equals(p.Member, before.Member, StringComparison.Ordinal));
            var keep = pull is { Targets: null } || (pull is null && !everyoneAnswered);
            if (keep)
            {
                next[id] = before.Stale ? before : before with { Stale = true };
                moved |= !before.Stale;
            }
            else
            {
                moved = true;
            }
        }

        return moved ? new RemoteTargetSet(Version + 1, next) : this;
    }

    /// <summary>Every target marked stale: nobody pulls any more, so the values age unseen.</summary>
    public RemoteTargetSet AllStale() =>
        _byId.Values.All(t => t.Stale) ? this : new RemoteTargetSet(Version + 1, _byId.ToDictionary(p => p.Key, p => p.Value with { Stale = true }));

    /// <summary>Counts of the remote targets that this node does not hold itself.</summary>
    public SchedulerCounts CountsExcept(Func<RemoteTarget, bool> local)
    {
        int up = 0, down = 0, maint = 0;
        foreach (var target in _byId.Values)
        {
            if (local(target))
            {
                continue;
            }

            switch (target.Snapshot.State)
            {
                case Core.Health.TargetState.Up: up++; break;
                case Core.Health.TargetState.Down: down++; break;
                case Core.Health.TargetState.Maint: maint++; break;
            }
        }

        return new SchedulerCounts(up + down + maint, up, down, maint, 0);
    }
}
