using HealthChecker.Web.Monitoring;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace HealthChecker.Web.Cluster;

/// <summary>One per node, keyed by the node's member id (<c>ip:port@generation</c>) and living on that node (<see cref="NodePlacement"/>).</summary>
[Alias("HealthChecker.INodeGrain")]
public interface INodeGrain : IGrainWithStringKey
{
    [Alias("Figures")]
    Task<NodeFigures> FiguresAsync();

    /// <summary>True once this node dropped the shards it lost under membership <paramref name="version"/>; false after a few seconds without.</summary>
    [Alias("Released")]
    Task<bool> ReleasedAsync(long version);

    /// <summary>True while this node counts <paramref name="member"/> an Active member: a node cut off asks it to learn it is reached.</summary>
    [Alias("Ping")]
    Task<bool> PingAsync(string member);
}

[NodePlacement]
public sealed class NodeGrain(NodeFigureSource figures, MonitorService monitor, ILocalSiloDetails silo, IClusterMembershipView members) : Grain, INodeGrain
{
    private static readonly TimeSpan ReleaseLimit = TimeSpan.FromSeconds(5);

    public Task<NodeFigures> FiguresAsync() => Task.FromResult(figures.Read(silo.SiloAddress.Endpoint.ToString()));

    public Task<bool> ReleasedAsync(long version) => monitor.ReleasedAsync(version, ReleaseLimit, CancellationToken.None);

    public Task<bool> PingAsync(string member) => Task.FromResult(members.Current.Active.Contains(member, StringComparer.Ordinal));
}

/// <summary>Places a grain on the silo its key names (a member id), and nowhere else: the call fails when that silo is not a member.</summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("HealthChecker.NodePlacement")]
public sealed class NodePlacement : PlacementStrategy
{
    public static NodePlacement Instance { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePlacementAttribute() : PlacementAttribute(NodePlacement.Instance);

public sealed class NodePlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? "";
        var wanted = SiloAddress.FromParsableString(key);
        return context.GetCompatibleSilos(target).Contains(wanted)
            ? Task.FromResult(wanted)
            : Task.FromException<SiloAddress>(new OrleansException($"No active node {key} to place its grain on"));
    }
}
