using HealthChecker.Web.Components;
using HealthChecker.Web.Monitoring;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serilog;
using Serilog.Events;

namespace HealthChecker.Web.Hosting;

public static class WebExtensions
{
    public static WebApplicationBuilder AddHealthCheckerWeb(this WebApplicationBuilder builder)
    {
        // A build output (not a publish) finds blazor.web.js and the CSS through the static web assets
        // manifest beside the binaries; in a published app there is no such manifest and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        // The engine's host registers the real view; without one the pages say the monitor is not running.
        builder.Services.TryAddSingleton<IMonitorView, StoppedMonitorView>();
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents();
        return builder;
    }

    public static WebApplication UseHealthCheckerWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        // Probes and scrapes come every few seconds: their request lines would drown the rest.
        app.UseSerilogRequestLogging(options => options.GetLevel = (context, _, error) =>
            error is not null ? LogEventLevel.Error
            : context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal) || context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal) ? LogEventLevel.Debug
            : context.Response.StatusCode >= 500 ? LogEventLevel.Error
            : LogEventLevel.Information);
        app.UseHealthCheckerApiErrors();
        // Pages read with GET get the not-found page; the API, /healthz, /metrics and form posts keep their own status codes and bodies.
        app.UseWhen(context => HttpMethods.IsGet(context.Request.Method) && !IsForMachines(context.Request),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseAuthentication();
        app.UseCrossSiteGuard();
        app.UseAuthorization();
        app.UseAntiforgery();
        // Scripts and styles stay reachable when login is required to view: the login page needs them.
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthCheckerLogout();
        app.MapHealthCheckerApi();
        app.MapHealthCheckerMonitor();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>The API, /healthz and /metrics: answered with status codes and bodies for programs, never with pages or redirects.</summary>
    public static bool IsForMachines(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
        || request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal)
        || request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal);
}
