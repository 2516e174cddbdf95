namespace HealthChecker.Web.Cluster;

/// <summary>
/// The cluster as the engine needs it, from Orleans' membership: this node's member id, the Active members, a version that
/// moves on every change, and this node's own status (so that it can learn it was declared dead). No Orleans type shows.
/// </summary>
public interface IClusterMembershipView
{
    /// <summary>This node's member id (<c>ip:port@generation</c>); empty until the node joined.</summary>
    string SelfId { get; }

    ClusterMembership Current { get; }

    /// <summary>Raised with each new membership, on a background thread; keep handlers short.</summary>
    event Action<ClusterMembership>? Changed;
}

/// <summary>One membership: its version, the Active members' ids (sorted, ordinal) and this node's own status.</summary>
public sealed record ClusterMembership(long Version, IReadOnlyList<string> Active, MemberStatus Self)
{
    public static ClusterMembership None { get; } = new(0, [], MemberStatus.None);
}

/// <summary>A member's status in the membership table, as Orleans names it.</summary>
public enum MemberStatus
{
    None = 0,
    Created = 1,
    Joining = 2,
    Active = 3,
    ShuttingDown = 4,
    Stopping = 5,
    Dead = 6,
}
