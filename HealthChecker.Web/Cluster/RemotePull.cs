using HealthChecker.Web.Monitoring;
using Orleans.Runtime;

namespace HealthChecker.Web.Cluster;

/// <summary>
/// Pulls the targets of every other Active node through its <see cref="INodeGrain"/> about once a second, only while someone
/// reads them (<see cref="Wanted"/>); after <see cref="Idle"/> without a reader it stops and marks what it holds stale. A node
/// that does not answer within <see cref="ClusterOverview.AskLimit"/> keeps its targets at their last known values, stale.
/// Each node sends only the targets whose values moved since its answer before (<see cref="LiveTargetReader"/> keeps the
/// cursors and forgets a node that left). A state change committed by any node (<see cref="IStateChangeNotices"/>) brings
/// the next pull forward, to at most <see cref="Gap"/> after the one before.
/// </summary>
public sealed class RemotePull : IRemoteTargets, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);

    private readonly ClusterNodeService _node;
    private readonly Serilog.ILogger _log;
    private readonly SemaphoreSlim _soon = new(0, 1);
    private readonly LiveTargetReader _reader = new();
    private readonly CancellationTokenSource _stop = new();
    private RemoteTargetSet _latest = RemoteTargetSet.Empty;
    private long _wantedAt;
    private int _pulling;
    private int _disposed;

    public RemotePull(ClusterNodeService node, Serilog.ILogger log, IStateChangeNotices? notices = null)
    {
        _node = node;
        _log = log.ForContext<RemotePull>();
        if (notices is not null)
        {
            notices.Heard += _ => PullSoon();
        }
    }

    public RemoteTargetSet Latest => Volatile.Read(ref _latest);

    public void Wanted()
    {
        Volatile.Write(ref _wantedAt, Environment.TickCount64);
        if (!_stop.IsCancellationRequested && Interlocked.CompareExchange(ref _pulling, 1, 0) == 0)
        {
            _ = Task.Run(PullWhileWantedAsync);
        }
    }

    public void Dispose()
    {
        // Registered under two services: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stop.Cancel();
        _stop.Dispose();
        _soon.Dispose();
    }

    private void PullSoon()
    {
        try
        {
            _soon.Release();
        }
        catch (SemaphoreFullException)
        {
            // A pull is already asked for.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task PullWhileWantedAsync()
    {
        try
        {
            while (Environment.TickCount64 - Volatile.Read(ref _wantedAt) < Idle.TotalMilliseconds)
            {
                await PullOnceAsync(_stop.Token);
                await Task.Delay(Gap, _stop.Token);
                await _soon.WaitAsync(Interval - Gap, _stop.Token);
            }

            Volatile.Write(ref _latest, Latest.AllStale());
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            _log.Warning(e, "Pulling the other nodes' targets failed");
        }
        finally
        {
            Volatile.Write(ref _pulling, 0);
        }
    }

    private async Task PullOnceAsync(CancellationToken ct)
    {
        var grains = _node.Grains;
        var self = _node.Self;
        if (grains is null || _node.Membership?.CurrentSnapshot is not { } membership)
        {
            return;
        }

        var others = membership.Members.Values.Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(self))
            .Select(m => (Id: OrleansMembershipView.IdOf(m.SiloAddress), m.Name)).ToList();
        var answers = await Task.WhenAll(others.Select(async member =>
        {
            try
            {
                // Only what moved since the answer before, once one came.
                return (member.Id, await grains.GetGrain<INodeGrain>(member.Id).LiveTargetsAsync(_reader.CursorOf(member.Id))
                    .WaitAsync(ClusterOverview.AskLimit, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Its targets stay at their last known values, marked stale.
                return (member.Id, (LiveAnswer?)null);
            }
        }));

        var read = _reader.ReadAll(answers);
        var pulls = others.Select((m, i) => new NodePull(m.Id, m.Name, read[i])).ToList();
        Volatile.Write(ref _latest, Latest.Next(pulls));
    }
}
