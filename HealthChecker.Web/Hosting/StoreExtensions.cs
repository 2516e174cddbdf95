using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;
using HealthChecker.Web.Alerting;
using HealthChecker.Web.Targets;
using Microsoft.Extensions.Options;

namespace HealthChecker.Web.Hosting;

public static class StoreExtensions
{
    public static WebApplicationBuilder AddHealthCheckerStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DatabaseService>();
        builder.Services.AddSingleton<TargetChangeFeed>();
        builder.Services.AddSingleton<ITargetChanges>(services => services.GetRequiredService<TargetChangeFeed>());
        builder.Services.AddSingleton(services => new TargetStore(
            services.GetRequiredService<DatabaseService>().Database.DataSource, services.GetRequiredService<TargetChangeFeed>(),
            services.GetRequiredService<Serilog.ILogger>()));
        builder.Services.AddSingleton<ITargetPages>(services => services.GetRequiredService<TargetStore>());
        builder.Services.AddSingleton<ITargetLookup>(services => services.GetRequiredService<TargetStore>());
        builder.Services.AddOptions<TargetOptions>().BindConfiguration(TargetOptions.Section)
            .Validate(o => o.Rules() is not null, "HC_MIN_INTERVAL (HealthChecker:Targets:MinInterval) must be a duration such as 100ms or 1s, or 0 for no floor")
            .Validate(o => o.MaxImportMegabytes > 0, "HC_MAX_IMPORT_MB (HealthChecker:Targets:MaxImportMegabytes) must be a whole number of megabytes above 0")
            .ValidateOnStart();
        builder.Services.AddSingleton(services => services.GetRequiredService<IOptions<TargetOptions>>().Value.Rules()!);
        builder.Services.AddSingleton<ITargetEditor, TargetEditor>();
        builder.Services.AddSingleton<TargetListing>();
        builder.Services.AddSingleton(services => new AlertSettingsStore(
            services.GetRequiredService<DatabaseService>().Database.DataSource, services.GetRequiredService<Serilog.ILogger>()));
        builder.Services.AddSingleton<IAlertSettingsPages>(services => services.GetRequiredService<AlertSettingsStore>());
        builder.Services.AddSingleton<IAlertEditor, AlertEditor>();
        // An app part (AppParts): loaded after the database opens and before the engine starts.
        builder.Services.AddSingleton(services => new StoredAlertSettings(
            services.GetRequiredService<AlertSettingsStore>, () => services.GetRequiredService<DatabaseService>().Database.DataSource,
            services.GetRequiredService<Serilog.ILogger>()));
        builder.Services.AddSingleton<IAlertSettingsSource>(services => services.GetRequiredService<StoredAlertSettings>());
        builder.Services.AddSingleton(services => new HistoryStore(services.GetRequiredService<DatabaseService>().Database.DataSource));
        builder.Services.AddSingleton<ITargetHistory>(services => services.GetRequiredService<HistoryStore>());
        builder.Services.AddSingleton<IStateChangeLog>(services => services.GetRequiredService<HistoryStore>());
        builder.Services.AddSingleton<INotificationLog>(services => new NotificationStore(services.GetRequiredService<DatabaseService>().Database.DataSource));
        return builder;
    }
}
