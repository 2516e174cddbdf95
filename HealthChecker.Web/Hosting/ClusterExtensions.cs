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
        services.AddSingleton<ClusterMembers>();
        services.AddSingleton<IClusterMembershipView>(s => s.GetRequiredService<ClusterMembers>());
        services.AddSingleton<NodeFigureSource>();
        services.AddSingleton<ClusterNodeService>();
        services.AddSingleton<ClusterOverview>();
        services.AddSingleton<IClusterOverview>(s => s.GetRequiredService<ClusterOverview>());
        services.AddSingleton<ClusterMetrics>();
        return builder;
    }
}
