using HealthChecker.Web.Cluster;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealthChecker.Web.Api;

/// <summary><c>/api/cluster</c>: every node of this node's cluster, with its status and, for the Active ones that answer, its figures.</summary>
public static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cluster", NodesAsync).WithTags("Status")
            .WithSummary("The nodes of the cluster: name, address, status; targets, checks per second and shards of each Active node that answers within 2 s");
        return app;
    }

    private static async Task<Ok<ClusterModel>> NodesAsync(IClusterOverview cluster, CancellationToken ct) =>
        TypedResults.Ok(new ClusterModel(cluster.Summary().Id, await cluster.NodesAsync(ct)));
}

/// <summary>The cluster's id and its nodes, Active first, then by name.</summary>
public sealed record ClusterModel(string Id, IReadOnlyList<NodeReport> Nodes);
