using HealthChecker.Web.Alerting;
using HealthChecker.Web.Auth;
using HealthChecker.Web.Cluster;
using HealthChecker.Web.Hosting;
using HealthChecker.Web.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HealthChecker.Tests.Web.Hosting;

public sealed class AppPartsTests
{
    [Fact]
    public async Task Parts_start_in_the_listed_order_are_told_the_host_started_in_that_order_and_stop_in_reverse()
    {
        var said = new List<string>();
        var parts = new AppParts([new Part("database", said), new LifecyclePart("engine", said), new Part("maintenance", said)]);

        await parts.StartAsync(CancellationToken.None);
        await parts.StartedAsync(CancellationToken.None);
        await parts.StopAsync(CancellationToken.None);

        Assert.Equal(
            ["start database", "start engine", "start maintenance", "started engine", "stop maintenance", "stop engine", "stop database"],
            said);
    }

    [Fact]
    public async Task A_part_that_fails_to_start_stops_the_sequence_with_its_exception()
    {
        var said = new List<string>();
        var parts = new AppParts([new Part("database", said), new Part("engine", said, failStart: true), new Part("maintenance", said)]);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => parts.StartAsync(CancellationToken.None));

        Assert.Equal("engine cannot start", e.Message);
        Assert.Equal(["start database", "start engine"], said);
    }

    [Fact]
    public async Task A_part_that_fails_to_stop_does_not_keep_the_parts_started_before_it_running()
    {
        var said = new List<string>();
        var parts = new AppParts([new Part("database", said), new Part("engine", said, failStop: true)]);
        await parts.StartAsync(CancellationToken.None);

        await Assert.ThrowsAsync<AggregateException>(() => parts.StopAsync(CancellationToken.None));

        Assert.Equal(["start database", "start engine", "stop engine", "stop database"], said);
    }

    [Fact]
    public void The_first_hosted_service_of_the_app_starts_database_admin_password_settings_checks_cluster_node_alert_settings_history_writer_engine_alerting_maintenance_then_heap_trim()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddHealthChecker();
        using var app = builder.Build();

        var hostedServices = app.Services.GetServices<IHostedService>().ToList();

        // First, so the framework's hosted services (data protection reads its keys from the database) start after the database.
        var hosted = Assert.IsType<AppParts>(hostedServices[0]);
        Assert.Single(hostedServices.OfType<AppParts>());

        Assert.Equal(
            [typeof(DatabaseService), typeof(AdminCredentials), typeof(StartupCheck), typeof(StartupCheck), typeof(ClusterNodeService), typeof(StateChangeFollower), typeof(StoredAlertSettings), typeof(HistoryWriterService), typeof(CheckEngineService), typeof(AlertingService), typeof(MaintenanceService), typeof(HeapTrim)],
            hosted.Parts.Select(p => p.GetType()));
    }

    [Fact]
    public async Task A_part_stops_once_whether_the_host_stops_it_the_container_disposes_it_or_both()
    {
        var stopped = new CountingPart();
        var disposedOnly = new CountingPart();

        await stopped.StopAsync(CancellationToken.None);
        await stopped.DisposeAsync();
        await disposedOnly.DisposeAsync();
        await disposedOnly.StopAsync(CancellationToken.None);

        Assert.Equal((1, 1), (stopped.Stops, disposedOnly.Stops));
    }

    private sealed class CountingPart : AppPart
    {
        public int Stops { get; private set; }

        public override Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        protected override Task StopPartAsync()
        {
            Stops++;
            return Task.CompletedTask;
        }
    }

    private class Part(string name, List<string> said, bool failStart = false, bool failStop = false) : IHostedService
    {
        protected List<string> Said => said;

        protected string Name => name;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            said.Add($"start {name}");
            return failStart ? Task.FromException(new InvalidOperationException($"{name} cannot start")) : Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            said.Add($"stop {name}");
            return failStop ? Task.FromException(new InvalidOperationException($"{name} cannot stop")) : Task.CompletedTask;
        }
    }

    private sealed class LifecyclePart(string name, List<string> said) : Part(name, said), IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken)
        {
            Said.Add($"started {Name}");
            return Task.CompletedTask;
        }

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
