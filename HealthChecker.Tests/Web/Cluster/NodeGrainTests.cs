using HealthChecker.Core.Cluster;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using HealthChecker.Web.Cluster;
using HealthChecker.Web.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace HealthChecker.Tests.Web.Cluster;

/// <summary>The node grain on Orleans' in-process test cluster, over a real target sync on a real database.</summary>
public sealed class NodeGrainTests
{
    private const long Applied = 1;

    [Fact(Timeout = 180_000)]
    public async Task A_node_asked_for_its_figures_answers_while_another_node_waits_for_it_to_release_its_shards()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var cluster = new TestClusterBuilder(1).AddSiloBuilderConfigurator<NodeGrainSilo>().Build();
        await cluster.DeployAsync();
        try
        {
            var silo = Assert.IsType<InProcessSiloHandle>(cluster.Primary);
            var self = OrleansMembershipView.IdOf(silo.SiloAddress);
            await using var engine = await Engine.StartAsync(db, new ClusterMembers(self, [self], Applied));
            var services = silo.SiloHost!.Services;
            services.GetRequiredService<MonitorService>().Checks(engine.Scheduler, engine.Sync);
            var grain = cluster.GrainFactory.GetGrain<INodeGrain>(self);
            await grain.FiguresAsync().WaitAsync(TimeSpan.FromSeconds(30));

            // A node taking shards over under the next membership waits for this one to have dropped them.
            var released = grain.ReleasedAsync(Applied + 1);
            await services.GetRequiredService<ReleaseCalls>().Entered.WaitAsync(TimeSpan.FromSeconds(30));
            var figures = await grain.FiguresAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(silo.SiloAddress.Endpoint.ToString(), figures.Address);
            Assert.False(released.IsCompleted);

            // Still waiting when the figures came: it ends (true) once this node applied that membership, not by its limit (false).
            engine.Ownership.Set(new ClusterMembers(self, [self], Applied + 1));
            Assert.True(await released.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>The services the node grain needs on the test silo, as the app registers them on its own.</summary>
    private sealed class NodeGrainSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddPlacementDirector<NodePlacement, NodePlacementDirector>();
            siloBuilder.Services.AddSingleton(new ClusterSettings { NodeName = "tested" });
            siloBuilder.Services.AddSingleton(new MonitorService(new ConfigurationBuilder().Build()));
            siloBuilder.Services.AddSingleton<NodeFigureSource>();
            siloBuilder.Services.AddSingleton<IClusterMembershipView, OrleansMembershipView>();
            siloBuilder.Services.AddSingleton<ReleaseCalls>();
            siloBuilder.Services.AddSingleton<IIncomingGrainCallFilter>(s => s.GetRequiredService<ReleaseCalls>());
        }
    }

    /// <summary>Tells once the grain runs a call of <see cref="INodeGrain.ReleasedAsync"/>: its wait is then pending on the grain, not on the way there.</summary>
    private sealed class ReleaseCalls : IIncomingGrainCallFilter
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(INodeGrain.ReleasedAsync))
            {
                _entered.TrySetResult();
            }

            return context.Invoke();
        }
    }

    /// <summary>A node's target sync following membership snapshots the test sets, with no targets to check.</summary>
    private sealed class Engine : IAsyncDisposable
    {
        private readonly ResultWriter _writer;

        private Engine(Npgsql.NpgsqlDataSource db, ClusterMembers first)
        {
            Ownership = new SettableOwnership(first);
            _writer = new ResultWriter(db, TestLog.Silent);
            Scheduler = new TargetScheduler(new SchedulerOptions { Loops = 1, Log = TestLog.Silent });
            var owned = new OwnedShards();
            var recorder = new HistoryRecorder(_writer, () => { }, owned);
            Sync = new TargetSync(new TargetStore(db), db, new TargetChangeFeed(), Scheduler, recorder, () => { }, TestLog.Silent,
                ownership: Ownership, owned: owned);
        }

        public SettableOwnership Ownership { get; }

        public TargetScheduler Scheduler { get; }

        public TargetSync Sync { get; }

        public static async Task<Engine> StartAsync(Npgsql.NpgsqlDataSource db, ClusterMembers first)
        {
            var engine = new Engine(db, first);
            await engine.Sync.StartAsync(CancellationToken.None);
            return engine;
        }

        public async ValueTask DisposeAsync()
        {
            await Sync.DisposeAsync();
            Scheduler.Dispose();
            await _writer.DisposeAsync();
        }
    }
}
