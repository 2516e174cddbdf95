using HealthChecker.Core.Faults;
using HealthChecker.Web.Api;
using HealthChecker.Web.Monitoring;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace HealthChecker.Web.Hosting;

public static class MonitorExtensions
{
    /// <summary>The monitor's hosted parts (history writer, engine, maintenance: started after the database, see AppParts), what pages read of it, /healthz, /api/status and /metrics.</summary>
    public static WebApplicationBuilder AddHealthCheckerMonitor(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // One fault log for the engine, the target sync, the pages, /api/status and /metrics.
        services.AddSingleton(s => new FaultLog(s.GetRequiredService<Serilog.ILogger>()));
        services.AddSingleton<UnreadableTargets>();
        services.AddSingleton<MonitorService>();
        services.AddSingleton<HistoryWriterService>();
        services.AddSingleton<CheckEngineService>();
        services.AddSingleton<MaintenanceService>();
        services.AddSingleton<HeapTrim>();
        services.AddSingleton<StateChangeFollower>();
        services.AddSingleton<IStateChangeNotices>(s => s.GetRequiredService<StateChangeFollower>());
        services.AddSingleton<INewStateChanges, NewStateChanges>();
        services.AddSingleton<MonitorView>();
        services.AddSingleton<IMonitorView>(s => s.GetRequiredService<MonitorView>());
        services.AddSingleton<DatabaseProbe>();
        services.AddSingleton<MonitorMetrics>();
        return builder;
    }

    /// <summary>
    /// /healthz is open to anyone; /api/status and /metrics follow HC_REQUIRE_LOGIN (when set, scrape with HTTP Basic as admin).
    /// </summary>
    public static WebApplication MapHealthCheckerMonitor(this WebApplication app)
    {
        app.MapHealthz();
        app.MapStatusApi();
        app.MapClusterApi();
        // prometheus-net maps every method; anything but a scrape is 405.
        // Alert delivery's series join the engine's registry before the first scrape.
        _ = app.Services.GetService<Alerting.NotificationMetrics>();
        _ = app.Services.GetService<ClusterMetrics>();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<MonitorMetrics>().Registry)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
        return app;
    }
}
