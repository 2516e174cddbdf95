using HealthChecker.Core.Cluster;
using HealthChecker.Web.Monitoring;

namespace HealthChecker.Web.Cluster;

/// <summary>Which node checks a target: the shard map's owner among the current Active members, named as the membership table names it.</summary>
public sealed class ShardOwners(MembershipShards shards, ClusterNodeService node, ClusterSettings settings) : ITargetOwners
{
    public TargetOwner? OwnerOf(long id)
    {
        var members = shards.Current;
        if (ShardMap.OwnerOf(ShardMap.ShardOf(id), members.Active) is not { } owner)
        {
            return null;
        }

        if (string.Equals(owner, members.Self, StringComparison.Ordinal))
        {
            return new TargetOwner(settings.Name, true);
        }

        var name = node.Membership?.CurrentSnapshot.Members.Values
            .FirstOrDefault(m => string.Equals(OrleansMembershipView.IdOf(m.SiloAddress), owner, StringComparison.Ordinal))?.Name;
        return new TargetOwner(string.IsNullOrEmpty(name) ? owner : name, false);
    }
}
