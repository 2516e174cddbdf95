using HealthChecker.Web.Monitoring;

namespace HealthChecker.Web.Cluster;

/// <summary>This node's figures as other nodes ask for them: its name, address, targets checked, checks per second and shards.</summary>
[GenerateSerializer, Immutable, Alias("HealthChecker.NodeFigures")]
public sealed record NodeFigures(
    [property: Id(0)] string Name,
    [property: Id(1)] string Address,
    [property: Id(2)] int Targets,
    [property: Id(3)] double ChecksPerSecond,
    [property: Id(4)] int Shards);

/// <summary>How many shards this node owns; registered by the shard ownership part, absent (0 shards) before it.</summary>
public interface IShardCount
{
    int Owned { get; }
}

/// <summary>Reads this node's figures from the engine; <see cref="Sample"/> is called about once a second for the rate.</summary>
public sealed class NodeFigureSource(MonitorService monitor, ClusterSettings settings, IServiceProvider services)
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);
    private readonly CheckRate _rate = new(RateWindow);

    public void Sample(TimeSpan at) => _rate.Add(at, monitor.Scheduler?.ChecksCompleted ?? 0);

    public NodeFigures Read(string address) => new(
        settings.Name,
        address,
        monitor.Scheduler?.Count ?? 0,
        Math.Round(_rate.PerSecond, 1),
        services.GetService<IShardCount>()?.Owned ?? 0);
}
