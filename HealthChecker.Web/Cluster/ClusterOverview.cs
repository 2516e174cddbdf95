using Orleans.Runtime;

namespace HealthChecker.Web.Cluster;

/// <summary>One node as <c>/api/cluster</c> and the nodes page show it; the figures are null when the node did not answer (or is not Active).</summary>
public sealed record NodeReport(string Name, string Address, string Status, bool Self, int? Targets, double? ChecksPerSecond, int? Shards);

/// <summary>The cluster in a few numbers for <c>/api/status</c> and <c>/metrics</c>: its id, this node, its nodes by status.</summary>
public sealed record ClusterSummary(string Id, string Node, string Member, IReadOnlyDictionary<string, int> Nodes);

/// <summary>What the nodes page reads.</summary>
public interface IClusterOverview
{
    ClusterSummary Summary();

    /// <summary>Every node of the membership table, the Active ones with their figures, asked of each with a short timeout.</summary>
    Task<IReadOnlyList<NodeReport>> NodesAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The nodes from Orleans' copy of the membership table, one row per node address (its latest incarnation: a node restarted
/// on the same address shows once), the Active ones asked for their figures through their <see cref="INodeGrain"/>.
/// </summary>
public sealed class ClusterOverview(ClusterNodeService node, ClusterSettings settings, NodeFigureSource figures) : IClusterOverview
{
    /// <summary>How long a node may take to give its figures before it is shown without them.</summary>
    public static readonly TimeSpan AskLimit = TimeSpan.FromSeconds(2);

    public ClusterSummary Summary()
    {
        var counts = Enum.GetNames<MemberStatus>().Where(s => s != nameof(MemberStatus.None)).ToDictionary(s => s, _ => 0);
        foreach (var member in Members())
        {
            counts[member.Status.ToString()] = counts.GetValueOrDefault(member.Status.ToString()) + 1;
        }

        return new ClusterSummary(settings.ClusterId, settings.Name, node.Self is { } self ? OrleansMembershipView.IdOf(self) : "", counts);
    }

    public async Task<IReadOnlyList<NodeReport>> NodesAsync(CancellationToken cancellationToken)
    {
        var grains = node.Grains;
        var self = node.Self;
        var asked = Members().Select(async member =>
        {
            var isSelf = member.SiloAddress.Equals(self);
            var report = new NodeReport(member.Name, member.SiloAddress.Endpoint.ToString(), member.Status.ToString(), isSelf, null, null, null);
            if (member.Status != SiloStatus.Active || grains is null)
            {
                return report;
            }

            try
            {
                var answer = isSelf
                    ? figures.Read(report.Address)
                    : await grains.GetGrain<INodeGrain>(OrleansMembershipView.IdOf(member.SiloAddress)).FiguresAsync().WaitAsync(AskLimit, cancellationToken);
                return report with { Targets = answer.Targets, ChecksPerSecond = answer.ChecksPerSecond, Shards = answer.Shards };
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A node that does not answer in time still shows, with its status and no figures.
                return report;
            }
        });

        return await Task.WhenAll(asked);
    }

    private IEnumerable<ClusterMember> Members()
    {
        var snapshot = node.Membership?.CurrentSnapshot;
        if (snapshot is null)
        {
            return [];
        }

        return snapshot.Members.Values
            .GroupBy(m => m.SiloAddress.Endpoint)
            .Select(g => g.MaxBy(m => m.SiloAddress.Generation)!)
            .OrderBy(m => m.Status == SiloStatus.Active ? 0 : 1)
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .ThenBy(m => m.SiloAddress.Endpoint.ToString(), StringComparer.Ordinal);
    }
}
