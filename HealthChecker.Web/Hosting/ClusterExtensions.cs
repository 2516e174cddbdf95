using HealthChecker.Web.Api;
using HealthChecker.Web.Cluster;

namespace HealthChecker.Web.Hosting;

public static class ClusterExtensions
{
    /// <summary>This node's silo (started after the database, before the engine: see AppParts), the membership view, /api/cluster and its figures.</summary>
    public static WebApplicationBuilder AddHealthCheckerCluster(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(s => ClusterSettings.From(s.GetRequiredService<IConfiguration>()));
        services.AddSingleton<OrleansMembershipView>();
        services.AddSingleton<IClusterMembershipView>(s => s.GetRequiredService<OrleansMembershipView>());
        services.AddSingleton<NodeFigureSource>();
        // What the engine checks follows the membership: its share of the shards while Active, nothing otherwise.
        services.AddSingleton<MembershipShards>();
        services.AddSingleton<HealthChecker.Web.Monitoring.IShardOwnership>(s => s.GetRequiredService<MembershipShards>());
        services.AddSingleton<IShardCount>(s => s.GetRequiredService<MembershipShards>());
        services.AddSingleton<ClusterNodeService>();
        services.AddSingleton<ClusterOverview>();
        services.AddSingleton<IClusterOverview>(s => s.GetRequiredService<ClusterOverview>());
        services.AddSingleton<ClusterMetrics>();
        // The dashboard and the APIs list every target: the other nodes' pulled while someone reads them.
        services.AddSingleton<RemotePull>();
        services.AddSingleton<HealthChecker.Web.Monitoring.IRemoteTargets>(s => s.GetRequiredService<RemotePull>());
        services.AddSingleton<HealthChecker.Web.Monitoring.ITargetOwners, ShardOwners>();
        return builder;
    }
}
