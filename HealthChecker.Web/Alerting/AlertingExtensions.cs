using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Web.Alerting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthChecker.Web.Hosting;

public static class AlertingExtensions
{
    /// <summary>
    /// Alert delivery (started after the engine, see AppParts) and its numbers in /metrics. Settings come from the
    /// registered <see cref="IAlertSettingsSource"/>; without one, none are in force (an empty in-memory source).
    /// </summary>
    public static WebApplicationBuilder AddHealthCheckerAlerting(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton<IAlertSettingsSource>(_ => new InMemoryAlertSettings(AlertSettings.Empty));
        services.AddSingleton<AlertingService>();
        services.AddSingleton<IHeldAlerts>(sp => sp.GetRequiredService<AlertingService>());
        services.AddSingleton<IFlappingTargets>(sp => sp.GetRequiredService<AlertingService>());
        services.AddSingleton<IChannelDelivery>(sp => sp.GetRequiredService<AlertingService>());
        services.AddSingleton<NotificationMetrics>();
        services.AddSingleton<IChannelTester, ChannelTester>();
        return builder;
    }
}
