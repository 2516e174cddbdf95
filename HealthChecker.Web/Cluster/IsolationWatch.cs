using HealthChecker.Core.Store;
using Npgsql;

namespace HealthChecker.Web.Cluster;

/// <summary>
/// Runs the <see cref="IsolationGuard"/> once the node joined: every second it reads this node's own membership row and pings
/// every other Active node (each with a short limit), four times a second it applies the guard's decision to the engine.
/// </summary>
public sealed class IsolationWatch(
    IsolationGuard guard, IClusterMembershipView members, IGrainFactory grains, NpgsqlDataSource database, MembershipFence self,
    Action suspend, Func<Task> resume, Serilog.ILogger log)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private const int TicksPerProbe = 4;

    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(2);

    private Task _databaseProbe = Task.CompletedTask;
    private Task _peerProbe = Task.CompletedTask;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Tick);
        var tick = 0;
        try
        {
            do
            {
                if (tick++ % TicksPerProbe == 0)
                {
                    // A probe still waiting for its answer is not doubled: one at a time of each kind.
                    if (_databaseProbe.IsCompleted)
                    {
                        _databaseProbe = ProbeDatabaseAsync(cancellationToken);
                    }

                    if (_peerProbe.IsCompleted)
                    {
                        _peerProbe = ProbePeersAsync(cancellationToken);
                    }
                }

                await ApplyAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The node leaves.
        }

        await Task.WhenAll(_databaseProbe, _peerProbe);
    }

    private async Task ApplyAsync(CancellationToken ct)
    {
        var unreached = guard.Unreached;
        try
        {
            switch (guard.Decide(members.Current, members.SelfId))
            {
                case IsolationStep.Suspend:
                    suspend();
                    log.Error("Reached neither the database nor any other node for {Seconds:0.0} s: checks suspended, the other nodes may be taking this node's targets over",
                        unreached.TotalSeconds);
                    break;
                case IsolationStep.Resume:
                    // Bounded by the stop: the engine stops before the cluster part, and a stopped engine's loops run nothing.
                    await resume().WaitAsync(ct);
                    log.Warning("Reached the database or another node again, still a member: checks resumed");
                    break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.Error(e, "The isolation guard could not apply its decision");
        }
    }

    private async Task ProbeDatabaseAsync(CancellationToken ct)
    {
        var began = guard.Now();
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(ProbeLimit);
            await using var conn = await database.OpenConnectionAsync(limit.Token);
            // Without the fence's lock: a probe, not a write.
            await using var cmd = new NpgsqlCommand(MembershipFence.StatusSql, conn);
            cmd.Parameters.AddRange(self.Parameters());
            switch (await cmd.ExecuteScalarAsync(limit.Token))
            {
                case MembershipFence.Active or MembershipFence.Joining:
                    guard.DatabaseReached(began);
                    break;
                case MembershipFence.Dead:
                    guard.DeclaredDead();
                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or NpgsqlException or TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            // Unreached this time: the guard counts from the last reach.
        }
    }

    private async Task ProbePeersAsync(CancellationToken ct)
    {
        var began = guard.Now();
        var selfId = members.SelfId;
        var others = members.Current.Active.Where(m => !string.Equals(m, selfId, StringComparison.Ordinal)).ToList();
        await Task.WhenAll(others.Select(async other =>
        {
            try
            {
                if (await grains.GetGrain<INodeGrain>(other).PingAsync(selfId).WaitAsync(ProbeLimit, ct))
                {
                    guard.PeerReached(began);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Unreached, or it no longer counts this node a member: not a reach.
            }
            catch (OperationCanceledException)
            {
                // The node leaves.
            }
        }));
    }
}
