using HealthChecker.Core.Cluster;
using HealthChecker.Web.Monitoring;

namespace HealthChecker.Tests.Web.Support;

/// <summary>Membership snapshots a test hands out, as a cluster's membership service would (it has no Orleans of its own).</summary>
internal sealed class SettableOwnership(ClusterMembers first) : IShardOwnership
{
    private ClusterMembers _current = first;

    public ClusterMembers Current => Volatile.Read(ref _current);

    public event Action<ClusterMembers>? Changed;

    public void Set(ClusterMembers members)
    {
        Volatile.Write(ref _current, members);
        Changed?.Invoke(members);
    }
}
