using HealthChecker.Web.Api;

namespace HealthChecker.Web.Hosting;

public static class ApiExtensions
{
    /// <summary>Problem details for errors and the OpenAPI document at <c>/openapi/v1.json</c>.</summary>
    public static WebApplicationBuilder AddHealthCheckerApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapHealthCheckerApi(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapTargetsApi();
        return app;
    }
}
