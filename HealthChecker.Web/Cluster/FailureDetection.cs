using Orleans.Configuration;

namespace HealthChecker.Web.Cluster;

/// <summary>
/// Orleans' failure detection, shortened from its defaults (about 15 s to declare a node dead, one minute between table
/// reads) so that a node killed outright is declared Dead within a few seconds and its targets move soon after.
/// The figures and why are in docs/cluster.md.
/// </summary>
public static class FailureDetection
{
    public static void Apply(ClusterMembershipOptions options)
    {
        // A probe every 2 s or so; a killed node refuses the connection at once, a cut or frozen one times out.
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.MaxProbeTimeout = TimeSpan.FromSeconds(4);
        // Three missed probes in a row make a suspicion; a GC pause of a second or two is not one.
        options.NumMissedProbesLimit = 3;
        // Two votes, or fewer when fewer nodes can vote (Orleans lowers the count in a small cluster).
        options.NumVotesForDeathDeclaration = 2;
        // Every node reads the table every 2 s, so a node that missed the gossip learns a death soon after.
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        // Heartbeats in the table every 2 s: an Active row 6 s without one is stale and no longer votes, so a node starting alone declares it dead soon.
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedTableIAmAliveLimit = 3;
        // A node that cannot join gives up after a minute (the start fails with that reason) rather than five.
        options.MaxJoinAttemptTime = TimeSpan.FromMinutes(1);
    }
}
