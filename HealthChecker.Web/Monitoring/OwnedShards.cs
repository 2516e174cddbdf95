using HealthChecker.Core.Cluster;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// The shards this node checks now, read by the history recorder and the result writer on every row: a target whose shard
/// left this set is no longer written by this node, even for a check that was in flight or a row still buffered.
/// </summary>
internal sealed class OwnedShards
{
    private ShardSet _shards = ShardSet.All;

    public ShardSet Current => Volatile.Read(ref _shards);

    public bool Holds(long targetId)
    {
        var shards = Current;
        // A single node owns everything: no hash per result on that path.
        return ReferenceEquals(shards, ShardSet.All) || shards.HoldsTarget(targetId);
    }

    public void Set(ShardSet shards) => Volatile.Write(ref _shards, shards);
}
