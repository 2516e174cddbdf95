using HealthChecker.Core.Cluster;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// Who this node is among the Active members, which the engine follows: it checks only the targets of the shards the
/// current snapshot gives it (<see cref="ClusterMembers.Owned"/>). A single node owns everything; a cluster's membership
/// service tells of every new snapshot.
/// </summary>
public interface IShardOwnership
{
    /// <summary>The latest snapshot.</summary>
    ClusterMembers Current { get; }

    /// <summary>A new snapshot became <see cref="Current"/>; raised on any thread, handlers must return quickly.</summary>
    event Action<ClusterMembers>? Changed;
}
