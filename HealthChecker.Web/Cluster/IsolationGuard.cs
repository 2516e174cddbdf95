namespace HealthChecker.Web.Cluster;

/// <summary>What the guard asks of the engine after a look at the time and the membership.</summary>
public enum IsolationStep
{
    None,
    Suspend,
    Resume,
}

/// <summary>
/// The self-fence of a node cut from everything: when for longer than <paramref name="isolatedAfter"/> it reached neither
/// PostgreSQL nor any other Active node, the others may be declaring it dead and taking its targets over, so it stops
/// checking; once either answers again it checks again, unless it learnt meanwhile that it was declared dead. A node that is
/// the only Active member never stops: no one could take its targets over. Why each case: docs/cluster.md.
/// </summary>
public sealed class IsolationGuard
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan _isolatedAfter;
    private long _lastDatabase;
    private long _lastPeer;
    private bool _declaredDead;

    public IsolationGuard(TimeProvider clock, TimeSpan isolatedAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(isolatedAfter, TimeSpan.Zero);
        _clock = clock;
        _isolatedAfter = isolatedAfter;
        // Reached at the start: a node only joins through the table and the others.
        _lastDatabase = _lastPeer = clock.GetTimestamp();
    }

    /// <summary>A point on the guard's clock, to stamp when a probe began.</summary>
    public long Now() => _clock.GetTimestamp();

    /// <summary>True while checks are suspended by this guard.</summary>
    public bool Suspended { get; private set; }

    /// <summary>Since when neither was reached, as of the last <see cref="Decide"/>.</summary>
    public TimeSpan Unreached => _clock.GetElapsedTime(Math.Max(Volatile.Read(ref _lastDatabase), Volatile.Read(ref _lastPeer)));

    /// <summary>This node's membership row was read and says it is still a member (taken at <paramref name="at"/>, when the probe began).</summary>
    public void DatabaseReached(long at) => Raise(ref _lastDatabase, at);

    /// <summary>Another Active node answered and still counts this node Active (taken at <paramref name="at"/>, when the probe began).</summary>
    public void PeerReached(long at) => Raise(ref _lastPeer, at);

    /// <summary>This node's membership row says Dead: it never checks again (Orleans ends the process when it reads the same).</summary>
    public void DeclaredDead() => Volatile.Write(ref _declaredDead, true);

    /// <summary>What to do now, given this node's <paramref name="membership"/> and <paramref name="self"/> member id; applied at once.</summary>
    public IsolationStep Decide(ClusterMembership membership, string self)
    {
        bool others = membership.Self == MemberStatus.Active && membership.Active.Any(m => !string.Equals(m, self, StringComparison.Ordinal));
        bool isolated = others && Unreached > _isolatedAfter;
        if (!Suspended && (isolated || Volatile.Read(ref _declaredDead)))
        {
            Suspended = true;
            return IsolationStep.Suspend;
        }

        if (Suspended && !isolated && !Volatile.Read(ref _declaredDead) && membership.Self != MemberStatus.Dead)
        {
            Suspended = false;
            return IsolationStep.Resume;
        }

        return IsolationStep.None;
    }

    private static void Raise(ref long last, long at)
    {
        // Probes end out of order: the latest reach wins.
        long seen;
        do
        {
            seen = Volatile.Read(ref last);
            if (at <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref last, at, seen) != seen);
    }
}
