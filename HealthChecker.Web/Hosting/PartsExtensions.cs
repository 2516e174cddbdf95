namespace HealthChecker.Web.Hosting;

public static class PartsExtensions
{
    /// <summary>Every part of the app, in the order its hosted services must start.</summary>
    public static WebApplicationBuilder AddHealthChecker(this WebApplicationBuilder builder)
    {
        builder.AddHealthCheckerConfiguration();
        builder.AddHealthCheckerLogging();
        // First of the hosted services: the framework's own (data protection reads its keys from the database) start after it.
        builder.AddHealthCheckerParts();
        builder.AddHealthCheckerStore();
        builder.AddHealthCheckerAuth();
        builder.AddHealthCheckerApi();
        builder.AddHealthCheckerMonitor();
        builder.AddHealthCheckerCluster();
        builder.AddHealthCheckerAlerting();
        builder.AddHealthCheckerWeb();
        return builder;
    }

    /// <summary>Registers <see cref="AppParts"/>; call it before anything that adds hosted services needing the database.</summary>
    public static WebApplicationBuilder AddHealthCheckerParts(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService(AppParts.InStartOrder);
        return builder;
    }
}
