using HealthChecker.Core.Store;
using HealthChecker.Web.Targets;

namespace HealthChecker.Web.Hosting;

public static class StoreExtensions
{
    public static WebApplicationBuilder AddHealthCheckerStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DatabaseService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DatabaseService>());
        builder.Services.AddSingleton<TargetChangeFeed>();
        builder.Services.AddSingleton<ITargetChanges>(services => services.GetRequiredService<TargetChangeFeed>());
        builder.Services.AddSingleton(services => new TargetStore(
            services.GetRequiredService<DatabaseService>().Database.DataSource, services.GetRequiredService<TargetChangeFeed>()));
        builder.Services.AddSingleton<ITargetPages>(services => services.GetRequiredService<TargetStore>());
        builder.Services.AddSingleton<ITargetEditor, TargetEditor>();
        builder.Services.AddSingleton<TargetListing>();
        builder.Services.AddSingleton(services => new HistoryStore(services.GetRequiredService<DatabaseService>().Database.DataSource));
        return builder;
    }
}
