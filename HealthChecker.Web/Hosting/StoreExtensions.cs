using HealthChecker.Core.Store;

namespace HealthChecker.Web.Hosting;

public static class StoreExtensions
{
    public static WebApplicationBuilder AddHealthCheckerStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DatabaseService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DatabaseService>());
        builder.Services.AddSingleton(services => new TargetStore(services.GetRequiredService<DatabaseService>().Database.DataSource));
        return builder;
    }
}
