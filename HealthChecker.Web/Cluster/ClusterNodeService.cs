using System.Diagnostics;
using HealthChecker.Core.Store;
using HealthChecker.Web.Hosting;
using HealthChecker.Web.Monitoring;
using Orleans.Configuration;
using Orleans.Runtime;
using Serilog;

namespace HealthChecker.Web.Cluster;

/// <summary>
/// This node's Orleans silo, in a host of its own so that it starts after the database (its membership table is there),
/// and stops after the engine and the result writer stopped: a graceful stop writes its last results while still Active,
/// then leaves the cluster at once. The join runs on while the engine starts owning nothing: the node turns Active only
/// with its engine ready, so the shards the others hand it are checked at once. It also samples the engine's checks for
/// the per-node rate.
/// </summary>
public sealed class ClusterNodeService(
    DatabaseService database, ClusterSettings settings, OrleansMembershipView members, NodeFigureSource figures, CheckEngineService engine, MonitorService monitor,
    IHostApplicationLifetime lifetime, Serilog.ILogger log) : AppPart
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(1);

    // How long a node taking targets over waits for the live node handing them over to say it dropped them: the grain's own
    // limit, and a second for the call.
    private static readonly TimeSpan ReleaseWait = NodeGrain.ReleaseLimit + TimeSpan.FromSeconds(1);

    // How long leaving may take: writing ShuttingDown and Dead takes well under a second; with the database gone it cannot
    // be written at all, and the others then declare this node dead by their probes.
    private static readonly TimeSpan LeaveLimit = TimeSpan.FromSeconds(10);
    private readonly Serilog.ILogger _log = log.ForContext<ClusterNodeService>();
    private readonly CancellationTokenSource _stopping = new();
    private IHost? _silo;
    private Task _following = Task.CompletedTask;
    private Task _sampling = Task.CompletedTask;
    private Task _joining = Task.CompletedTask;
    private Task _watching = Task.CompletedTask;
    private MembershipFence? _fence;

    /// <summary>Orleans' membership and grains once the node joined; null before and after.</summary>
    internal IClusterMembershipService? Membership { get; private set; }

    internal IGrainFactory? Grains { get; private set; }

    internal SiloAddress? Self { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var services = builder.Services;
        // The app's own logger, and no signal handling: the app's host stops this one, in its order.
        services.AddSerilog(Log.Logger, dispose: false);
        services.AddSingleton<IHostLifetime, AppOwnedLifetime>();
        services.AddSingleton(figures);
        // The node grain hands this node's live targets to the others and answers hand-overs.
        services.AddSingleton(monitor);
        services.AddSingleton<IClusterMembershipView>(members);
        services.AddSingleton<IFatalErrorHandler>(new NodeDeclaredDead(engine.Halt, members, _log));
        // Active only once the engine follows its shards: the shards the others hand over are checked at once.
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new ActiveAfterEngine(monitor.Loaded));
        var address = settings.ResolveAddress();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ClusterId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = settings.Name);
            silo.ConfigureEndpoints(address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: !System.Net.IPAddress.IsLoopback(address));
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.DataSource = database.Database.DataSource;
            });
            silo.Configure<ClusterMembershipOptions>(FailureDetection.Apply);
            silo.AddPlacementDirector<NodePlacement, NodePlacementDirector>();
        });

        // Orleans binds with address reuse: a port another silo holds would be shared with it unnoticed, so it is tried first.
        var listenOn = System.Net.IPAddress.IsLoopback(address) ? address : System.Net.IPAddress.Any;
        SiloPorts.ThrowIfInUse(listenOn, settings);

        var started = Stopwatch.StartNew();
        var silo = builder.Build();
        _silo = silo;
        // The incarnation (address, port, generation) is known before the join: the writes are fenced by its row from the first.
        Self = silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        members.Joining(Self);
        _fence = new MembershipFence(settings.ClusterId, Self.Endpoint.Address.ToString(), Self.Endpoint.Port, Self.Generation);
        monitor.FencesAs(_fence);
        _joining = JoinAsync(silo, Self, started);
        return Task.CompletedTask;
    }

    /// <summary>Joins the cluster; a node that cannot join stops the app with exit code 1 and the reason in one line.</summary>
    private async Task JoinAsync(IHost silo, SiloAddress self, Stopwatch started)
    {
        try
        {
            await silo.StartAsync(_stopping.Token);
        }
        catch (Exception e)
        {
            // A silo that did not start cannot be stopped: it is only let go.
            _silo = null;
            await DisposeQuietlyAsync(silo);
            if (!_stopping.IsCancellationRequested)
            {
                _log.Fatal("Could not join cluster {ClusterId} as {Node}: {Reason}", settings.ClusterId, settings.Name, e.Message);
                Environment.ExitCode = 1;
                lifetime.StopApplication();
            }

            return;
        }

        Membership = silo.Services.GetRequiredService<IClusterMembershipService>();
        Grains = silo.Services.GetRequiredService<IGrainFactory>();
        _following = members.Follow(Membership, self, _log, _stopping.Token);
        _sampling = SampleAsync(_stopping.Token);
        monitor.AwaitRelease = AwaitReleaseAsync;
        // A node cut from the database and from every other node stops checking before the others can take its targets over.
        var guard = new IsolationGuard(TimeProvider.System, settings.IsolatedAfter);
        _watching = new IsolationWatch(guard, members, Grains, database.Database.DataSource, _fence!, engine.Suspend, engine.EndSuspensionAsync, _log.ForContext<IsolationWatch>())
            .RunAsync(_stopping.Token);
        _log.Information("Joined cluster {ClusterId} as {Node} ({Member}) in {Elapsed:0} ms; active members: {Active}",
            settings.ClusterId, settings.Name, members.SelfId, started.Elapsed.TotalMilliseconds, members.Current.Active.Count);
    }

    protected override async Task StopPartAsync()
    {
        await _stopping.CancelAsync();
        await _joining;
        await _sampling;
        await _watching;
        await _following;
        if (_silo is { } silo)
        {
            try
            {
                // Leaves the cluster: ShuttingDown, then Dead in the membership table; cut short (ungraceful) at the limit.
                using var limit = new CancellationTokenSource(LeaveLimit);
                await silo.StopAsync(limit.Token).WaitAsync(LeaveLimit * 2);
                _log.Information("Left cluster {ClusterId}", settings.ClusterId);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                _log.Warning("Could not leave cluster {ClusterId} within {Limit} s (is the database reachable?): the other nodes will declare this node dead",
                    settings.ClusterId, LeaveLimit.TotalSeconds);
            }
            finally
            {
                // Bounded too: a silo stuck on an unreachable table must not keep the process from ending.
                await DisposeQuietlyAsync(silo).WaitAsync(LeaveLimit).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        Membership = null;
        Grains = null;
        _stopping.Dispose();
    }

    private async Task DisposeQuietlyAsync(IHost silo)
    {
        try
        {
            if (silo is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
            else
            {
                silo.Dispose();
            }
        }
        catch (Exception e)
        {
            _log.Warning(e, "The silo did not let go cleanly");
        }
    }

    /// <summary>
    /// Waits for each node named to have dropped the shards it lost under <paramref name="version"/>, so that a target handed
    /// over by a live node is never checked by both; a node that does not answer within a few seconds is not waited for.
    /// </summary>
    private async Task AwaitReleaseAsync(IReadOnlyCollection<string> owners, long version, CancellationToken ct)
    {
        if (Grains is not { } grains)
        {
            return;
        }

        await Task.WhenAll(owners.Select(async owner =>
        {
            try
            {
                if (!await grains.GetGrain<INodeGrain>(owner).ReleasedAsync(version).WaitAsync(ReleaseWait, ct))
                {
                    _log.Warning("Node {Member} did not drop the targets it hands over within {Limit} s: taking them anyway", owner, ReleaseWait.TotalSeconds);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _log.Warning("Node {Member} did not say it dropped the targets it hands over ({Reason}): taking them anyway", owner, e.Message);
            }
        }));
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(SampleEvery);
        try
        {
            do
            {
                figures.Sample(clock.Elapsed);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>No Ctrl-C or SIGTERM handling of its own: the app's host is told, and stops the silo in its turn.</summary>
    private sealed class AppOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
