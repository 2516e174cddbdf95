using HealthChecker.Core.Cluster;
using HealthChecker.Web.Monitoring;

namespace HealthChecker.Web.Cluster;

/// <summary>
/// The shards this node owns under the cluster's current membership: the engine follows it. A node that is not (or no
/// longer) Active owns nothing, so a node stopping or declared dead drops every target at the first snapshot saying so.
/// </summary>
public sealed class MembershipShards : IShardOwnership, IShardCount
{
    // Before the node joined: no member id yet, and nothing owned.
    private const string Unjoined = "unjoined";

    private readonly IClusterMembershipView _view;
    private Built _current;

    public MembershipShards(IClusterMembershipView view)
    {
        _view = view;
        _current = new Built(view.Current, From(view.SelfId, view.Current));
        view.Changed += membership => Changed?.Invoke(Read(membership));
    }

    public ClusterMembers Current => Read(_view.Current);

    public int Owned => Current.Owned.Count;

    public event Action<ClusterMembers>? Changed;

    /// <summary>The snapshot of one membership, built once for it.</summary>
    private ClusterMembers Read(ClusterMembership membership)
    {
        var current = Volatile.Read(ref _current);
        if (ReferenceEquals(current.Source, membership))
        {
            return current.Members;
        }

        var members = From(_view.SelfId, membership);
        Volatile.Write(ref _current, new Built(membership, members));
        return members;
    }

    private static ClusterMembers From(string selfId, ClusterMembership membership)
    {
        var self = string.IsNullOrEmpty(selfId) ? Unjoined : selfId;
        // The Active list of a snapshot may still name this node after it learnt it was declared dead.
        var active = membership.Self == MemberStatus.Active
            ? membership.Active
            : membership.Active.Where(m => !string.Equals(m, self, StringComparison.Ordinal));
        return new ClusterMembers(self, active, membership.Version);
    }

    private sealed record Built(ClusterMembership Source, ClusterMembers Members);
}
