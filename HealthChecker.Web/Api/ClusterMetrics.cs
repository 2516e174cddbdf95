using HealthChecker.Web.Cluster;
using Prometheus;

namespace HealthChecker.Web.Api;

/// <summary>
/// The cluster in <c>/metrics</c>, beside the engine's series: <c>healthchecker_cluster_nodes{status}</c> (nodes of the
/// membership table by status, as this node sees them), and this node's <c>healthchecker_node_targets</c>,
/// <c>healthchecker_node_checks_per_second</c> (over the last 5 s) and <c>healthchecker_node_shards</c>.
/// </summary>
public sealed class ClusterMetrics
{
    private readonly IClusterOverview _cluster;
    private readonly NodeFigureSource _figures;
    private readonly Lock _lock = new();
    private readonly Gauge _nodes;
    private readonly Gauge _targets;
    private readonly Gauge _rate;
    private readonly Gauge _shards;

    public ClusterMetrics(MonitorMetrics metrics, IClusterOverview cluster, NodeFigureSource figures)
    {
        _cluster = cluster;
        _figures = figures;
        var factory = Metrics.WithCustomRegistry(metrics.Registry);
        _nodes = factory.CreateGauge("healthchecker_cluster_nodes", "Nodes of the cluster by membership status: Active, Joining, ShuttingDown, Stopping, Dead...", "status");
        _targets = factory.CreateGauge("healthchecker_node_targets", "Targets this node checks.");
        _rate = factory.CreateGauge("healthchecker_node_checks_per_second", "Checks this node completed per second over the last 5 s.");
        _shards = factory.CreateGauge("healthchecker_node_shards", "Shards of targets this node owns.");
        metrics.Registry.AddBeforeCollectCallback(Collect);
    }

    private void Collect()
    {
        lock (_lock)
        {
            foreach (var (status, count) in _cluster.Summary().Nodes)
            {
                _nodes.WithLabels(status).Set(count);
            }

            var own = _figures.Read("");
            _targets.Set(own.Targets);
            _rate.Set(own.ChecksPerSecond);
            _shards.Set(own.Shards);
        }
    }
}
