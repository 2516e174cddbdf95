using System.Diagnostics;
using HealthChecker.Core.Store;
using HealthChecker.Web.Hosting;
using HealthChecker.Web.Monitoring;
using Orleans.Configuration;
using Orleans.Runtime;
using Serilog;

namespace HealthChecker.Web.Cluster;

/// <summary>
/// This node's Orleans silo, in a host of its own so that it starts after the database (its membership table is there) and
/// before the engine, and stops after the engine and the result writer stopped: a graceful stop writes its last results
/// while still Active, then leaves the cluster at once. It also samples the engine's checks for the per-node rate.
/// </summary>
public sealed class ClusterNodeService(
    DatabaseService database, ClusterSettings settings, OrleansMembershipView members, NodeFigureSource figures, CheckEngineService engine, MonitorService monitor,
    Serilog.ILogger log) : AppPart
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(1);
    private readonly Serilog.ILogger _log = log.ForContext<ClusterNodeService>();
    private readonly CancellationTokenSource _stopping = new();
    private IHost? _silo;
    private Task _following = Task.CompletedTask;
    private Task _sampling = Task.CompletedTask;

    /// <summary>Orleans' membership and grains once the node joined; null before and after.</summary>
    internal IClusterMembershipService? Membership { get; private set; }

    internal IGrainFactory? Grains { get; private set; }

    internal SiloAddress? Self { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var services = builder.Services;
        // The app's own logger, and no signal handling: the app's host stops this one, in its order.
        services.AddSerilog(Log.Logger, dispose: false);
        services.AddSingleton<IHostLifetime, AppOwnedLifetime>();
        services.AddSingleton(figures);
        // The node grain hands this node's live targets to the others.
        services.AddSingleton(monitor);
        services.AddSingleton<IFatalErrorHandler>(new NodeDeclaredDead(engine.Halt, members, _log));
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
        try
        {
            await silo.StartAsync(cancellationToken);
        }
        catch
        {
            // A silo that did not start cannot be stopped: it is only let go, and the start fails with the reason.
            await DisposeQuietlyAsync(silo);
            throw;
        }

        _silo = silo;
        Membership = _silo.Services.GetRequiredService<IClusterMembershipService>();
        Grains = _silo.Services.GetRequiredService<IGrainFactory>();
        Self = _silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        _following = members.Follow(Membership, Self, _log, _stopping.Token);
        // Results, state changes and alert records are written only while this incarnation's row says Active.
        monitor.FencesAs(new MembershipFence(settings.ClusterId, Self.Endpoint.Address.ToString(), Self.Endpoint.Port, Self.Generation));
        _sampling = SampleAsync(_stopping.Token);
        _log.Information("Joined cluster {ClusterId} as {Node} ({Member}) in {Elapsed:0} ms; active members: {Active}",
            settings.ClusterId, settings.Name, members.SelfId, started.Elapsed.TotalMilliseconds, members.Current.Active.Count);
    }

    protected override async Task StopPartAsync()
    {
        await _stopping.CancelAsync();
        await _sampling;
        await _following;
        if (_silo is { } silo)
        {
            try
            {
                // Leaves the cluster: ShuttingDown, then Dead in the membership table.
                await silo.StopAsync(CancellationToken.None);
            }
            finally
            {
                await DisposeQuietlyAsync(silo);
            }

            _log.Information("Left cluster {ClusterId}", settings.ClusterId);
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
