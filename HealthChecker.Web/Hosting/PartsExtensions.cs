namespace HealthChecker.Web.Hosting;

public static class PartsExtensions
{
    /// <summary>Registers <see cref="AppParts"/>; call it before anything that adds hosted services needing the database.</summary>
    public static WebApplicationBuilder AddHealthCheckerParts(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService(AppParts.InStartOrder);
        return builder;
    }
}
