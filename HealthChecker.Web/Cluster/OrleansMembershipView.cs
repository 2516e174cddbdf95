using Orleans.Runtime;

namespace HealthChecker.Web.Cluster;

/// <summary>
/// <see cref="IClusterMembershipView"/> fed from Orleans' <see cref="IClusterMembershipService"/>: its current snapshot
/// when the node joined, then every update, until the node leaves.
/// </summary>
public sealed class OrleansMembershipView : IClusterMembershipView
{
    private readonly Lock _lock = new();
    private ClusterMembership _current = ClusterMembership.None;
    private string _selfId = "";
    private Serilog.ILogger _log = Serilog.Log.Logger;

    public string SelfId => Volatile.Read(ref _selfId);

    public ClusterMembership Current => Volatile.Read(ref _current);

    public event Action<ClusterMembership>? Changed;

    /// <summary>The member id of a silo: <c>ip:port@generation</c>, stable for the life of that process.</summary>
    public static string IdOf(SiloAddress silo) => silo.ToParsableString();

    /// <summary>Applies the current snapshot of <paramref name="membership"/>, then follows it until <paramref name="cancellationToken"/> fires (the task returned).</summary>
    /// <summary>The node is joining as <paramref name="self"/>: its member id is known, it is not Active yet.</summary>
    internal void Joining(SiloAddress self) => Volatile.Write(ref _selfId, IdOf(self));

    internal Task Follow(IClusterMembershipService membership, SiloAddress self, Serilog.ILogger log, CancellationToken cancellationToken)
    {
        _log = log;
        Volatile.Write(ref _selfId, IdOf(self));
        Apply(membership.CurrentSnapshot, self);
        return Task.Run(async () =>
        {
            try
            {
                await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
                {
                    Apply(snapshot, self);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The node leaves: the last membership stays as it was.
            }
            catch (Exception e)
            {
                log.Error(e, "Following the cluster membership failed: this node's view of it stays at version {Version}", Current.Version);
            }
        }, CancellationToken.None);
    }

    /// <summary>This node learnt it was declared dead: from now on it says so, whatever comes later.</summary>
    internal void DeclaredDead() => Publish(c => c with { Self = MemberStatus.Dead });

    internal void Apply(ClusterMembershipSnapshot snapshot, SiloAddress self)
    {
        var active = snapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => IdOf(m.SiloAddress))
            .Order(StringComparer.Ordinal)
            .ToList();
        var status = (MemberStatus)(int)snapshot.GetSiloStatus(self);
        // Never back to an older version, nor back to life once declared dead.
        Publish(c => c.Version > snapshot.Version.Value || c.Self == MemberStatus.Dead
            ? c
            : new ClusterMembership(snapshot.Version.Value, active, status));
    }

    private void Publish(Func<ClusterMembership, ClusterMembership> next)
    {
        ClusterMembership published;
        lock (_lock)
        {
            var previous = _current;
            published = next(previous);
            if (ReferenceEquals(published, previous)
                || published.Version == previous.Version && published.Self == previous.Self && published.Active.SequenceEqual(previous.Active))
            {
                return;
            }

            Volatile.Write(ref _current, published);
        }

        if (Changed is not { } handlers)
        {
            return;
        }

        // Each subscriber on its own: one that throws must neither keep the others from the news nor stop the following.
        foreach (var handler in Delegate.EnumerateInvocationList(handlers))
        {
            try
            {
                handler(published);
            }
            catch (Exception e)
            {
                _log.Error(e, "A subscriber to the cluster membership failed on version {Version}", published.Version);
            }
        }
    }
}
