using HealthChecker.Web.Api;

namespace HealthChecker.Web.Hosting;

public static class ApiExtensions
{
    /// <summary>JSON bodies nest at most this deep: a target is three levels (target, steps, step).</summary>
    public const int MaxJsonDepth = 16;

    /// <summary>Problem details for errors and the OpenAPI document at <c>/openapi/v1.json</c>.</summary>
    public static WebApplicationBuilder AddHealthCheckerApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            options.SerializerOptions.MaxDepth = MaxJsonDepth;
        });
        // A body or value that does not bind throws, so ApiErrors answers it with the reason (not an empty 400).
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>Every /api error as problem details: exceptions in <see cref="ApiErrors"/>, bodiless statuses (404, 405, 413, 415) after.</summary>
    public static WebApplication UseHealthCheckerApiErrors(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal), api =>
        {
            api.UseMiddleware<ApiErrors>();
            api.UseStatusCodePages();
        });
        return app;
    }

    public static WebApplication MapHealthCheckerApi(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapTargetsApi();
        app.MapAlertingApi();
        app.MapNotificationsApi();
        return app;
    }
}
