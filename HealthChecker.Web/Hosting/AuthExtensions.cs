using HealthChecker.Web.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace HealthChecker.Web.Hosting;

/// <summary>
/// Viewing is open unless <c>HealthChecker:Auth:RequireLoginToView</c> (<c>HC_REQUIRE_LOGIN=true</c>); changing
/// anything needs the admin: a cookie from /login, or HTTP Basic on the API.
/// </summary>
public static class AuthExtensions
{
    public const string RequireLoginToViewKey = "HealthChecker:Auth:RequireLoginToView";

    /// <summary>Origins besides the app's own whose writes are accepted (<c>HC_ALLOWED_ORIGINS</c>): the public address behind a reverse proxy.</summary>
    public const string AllowedOriginsKey = "HealthChecker:Auth:AllowedOrigins";

    public static WebApplicationBuilder AddHealthCheckerAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AdminCredentials>();
        services.AddSingleton<IAdminCredentials>(s => s.GetRequiredService<AdminCredentials>());
        services.AddSingleton<ILoginThrottle, LoginThrottle>();
        services.AddSingleton<RecentSignIns>();
        services.AddSingleton<SignIn>();
        services.AddSingleton(s => new CrossSiteRule(AllowedOrigins(s.GetRequiredService<IConfiguration>())));
        services.AddDataProtection().SetApplicationName("HealthChecker");
        services.AddOptions<KeyManagementOptions>()
            .Configure<DatabaseService>((options, database) => options.XmlRepository = new DatabaseKeyRepository(database));

        services.AddAuthentication(AuthSchemes.CookieOrBasic)
            .AddPolicyScheme(AuthSchemes.CookieOrBasic, "Cookie, or HTTP Basic when the request carries it", options =>
                options.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
                        ? AuthSchemes.Basic
                        : AuthSchemes.Cookie)
            .AddCookie(AuthSchemes.Cookie, options =>
            {
                options.Cookie.Name = "hc_auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.LoginPath = "/login";
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.SlidingExpiration = true;
                // The API and /metrics answer 401/403; only pages are sent to the login form.
                options.Events.OnRedirectToLogin = context => IsApi(context.Request)
                    ? Answer(context, StatusCodes.Status401Unauthorized)
                    : Redirect(context);
                options.Events.OnRedirectToAccessDenied = context => IsApi(context.Request)
                    ? Answer(context, StatusCodes.Status403Forbidden)
                    : Redirect(context);
            })
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(AuthSchemes.Basic, null);

        var requireLogin = builder.Configuration.GetValue<bool>(RequireLoginToViewKey);
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthSchemes.AdminPolicy, AdminPolicy);
        if (requireLogin)
        {
            services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        }

        services.AddCascadingAuthenticationState();
        return builder;
    }

    /// <summary>Who may change targets: a signed-in user with the admin role (the cookie and Basic schemes both give it).</summary>
    public static void AdminPolicy(AuthorizationPolicyBuilder policy) => policy.RequireAuthenticatedUser().RequireRole(AuthSchemes.AdminRole);

    /// <summary>Refuses cross-site writes and foreign origins on the Blazor hub; between authentication and authorization.</summary>
    public static WebApplication UseCrossSiteGuard(this WebApplication app)
    {
        app.UseMiddleware<CrossSiteGuard>();
        return app;
    }

    private static IReadOnlyList<string> AllowedOrigins(IConfiguration configuration)
    {
        try
        {
            return CrossSiteRule.ParseOrigins(configuration[AllowedOriginsKey]);
        }
        catch (FormatException e)
        {
            // The message says it all: no inner exception, whose message would be repeated.
            throw new InvalidOperationException($"HC_ALLOWED_ORIGINS ({AllowedOriginsKey}): {e.Message}");
        }
    }

    /// <summary>POST /logout (with the antiforgery token of the form that sends it).</summary>
    public static WebApplication MapHealthCheckerLogout(this WebApplication app)
    {
        app.MapPost("/logout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            await context.SignOutAsync(AuthSchemes.Cookie);
            return Results.LocalRedirect("/");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static bool IsApi(HttpRequest request) => WebExtensions.IsForMachines(request);

    private static Task Answer(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"HealthChecker\", charset=\"UTF-8\"";
        }

        return Task.CompletedTask;
    }

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
