using HealthChecker.Web.Components;
using HealthChecker.Web.Monitoring;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serilog;

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

        app.UseSerilogRequestLogging();
        // Pages read with GET get the not-found page; the API and form posts keep its own status codes and problem details.
        app.UseWhen(context => HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        // Scripts and styles stay reachable when login is required to view: the login page needs them.
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthCheckerLogout();
        app.MapHealthCheckerApi();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode();
        return app;
    }
}
