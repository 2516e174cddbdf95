using HealthChecker.Core.Cluster;

namespace HealthChecker.Web.Monitoring;

/// <summary>A node on its own: the only member, it owns every shard, and that never changes.</summary>
public sealed class SingleNodeOwnership(string? self = null) : IShardOwnership
{
    public ClusterMembers Current { get; } = ClusterMembers.Alone(self ?? Environment.MachineName);

    public event Action<ClusterMembers>? Changed
    {
        add { }
        remove { }
    }
}
