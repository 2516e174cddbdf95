namespace HealthChecker.Core.Cluster;

/// <summary>
/// One snapshot of the cluster as this node sees it: its own member name (the silo address with its generation,
/// opaque here), the Active members and the snapshot's version. The shards this node owns follow from it alone.
/// </summary>
public sealed class ClusterMembers
{
    private ShardSet? _owned;

    public ClusterMembers(string self, IEnumerable<string> active, long version)
    {
        ArgumentException.ThrowIfNullOrEmpty(self);
        Self = self;
        Active = [.. active.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Version = version;
    }

    /// <summary>This node's member name.</summary>
    public string Self { get; }

    /// <summary>The Active members, this node among them while it is Active; sorted, without duplicates.</summary>
    public IReadOnlyList<string> Active { get; }

    /// <summary>Moves with each new snapshot.</summary>
    public long Version { get; }

    /// <summary>False once this node is no longer an Active member (stopping, or declared dead): it then owns nothing.</summary>
    public bool SelfActive => Active.Contains(Self, StringComparer.Ordinal);

    /// <summary>The shards this node checks under this snapshot.</summary>
    public ShardSet Owned => _owned ??= SelfActive && Active.Count == 1 ? ShardSet.All : ShardMap.OwnedBy(Self, Active);

    /// <summary>A node on its own: the one member, owning every shard.</summary>
    public static ClusterMembers Alone(string self) => new(self, [self], 0);

    public override string ToString() => $"{Self}: {Owned} among {Active.Count} active members (version {Version})";
}
