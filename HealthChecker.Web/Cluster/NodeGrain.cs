using HealthChecker.Web.Monitoring;
using Orleans.Concurrency;
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

    /// <summary>
    /// The targets this node checks whose live values moved since <paramref name="since"/> (the cursor of its answer before), for
    /// the other nodes' dashboards; all of them when the cursor is null or no longer fits (the engine started again, targets came or went).
    /// </summary>
    [Alias("LiveTargetsSince")]
    Task<LiveAnswer> LiveTargetsAsync(LiveCursor? since);

    /// <summary>True while this node counts <paramref name="member"/> an Active member: a node cut off asks it to learn it is reached.</summary>
    [Alias("Ping")]
    Task<bool> PingAsync(string member);
}

/// <summary>
/// Reentrant: it holds no state of its own, and a <see cref="INodeGrain.ReleasedAsync"/> that waits (seconds) must not hold
/// up the figures the other nodes' <c>/api/cluster</c> ask for, their live values, nor another node's wait.
/// </summary>
[NodePlacement]
[Reentrant]
public sealed class NodeGrain(NodeFigureSource figures, MonitorService monitor, ILocalSiloDetails silo, IClusterMembershipView members) : Grain, INodeGrain
{
    /// <summary>How long <see cref="INodeGrain.ReleasedAsync"/> waits for this node to apply the membership asked about.</summary>
    public static readonly TimeSpan ReleaseLimit = TimeSpan.FromSeconds(5);

    public Task<NodeFigures> FiguresAsync() => Task.FromResult(figures.Read(silo.SiloAddress.Endpoint.ToString()));

    public Task<bool> ReleasedAsync(long version) => monitor.ReleasedAsync(version, ReleaseLimit, CancellationToken.None);

    public Task<LiveAnswer> LiveTargetsAsync(LiveCursor? since) =>
        Task.FromResult(monitor.Scheduler is { } scheduler ? LiveAnswer.From(scheduler.PublishedSince(since?.ToCursor())) : LiveAnswer.None);

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
