using HealthChecker.Web.Auth;
using HealthChecker.Web.Monitoring;

namespace HealthChecker.Web.Api;

/// <summary>
/// <c>/healthz</c> for load balancers and the app's own example target: 200 <c>ok</c> when the check engine runs and
/// PostgreSQL answers, else 503 with the reasons as text (the database's in detail only for the admin). Open to anyone,
/// even when login is required to view.
/// </summary>
public static class HealthzEndpoint
{
    public const string Path = "/healthz";

    public static IEndpointRouteBuilder MapHealthz(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head], async (HttpContext context, IMonitorView monitor, DatabaseProbe database) =>
        {
            var (healthy, text) = await CheckAsync(monitor, database, context.User.IsInRole(AuthSchemes.AdminRole), context.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            return Results.Text(text, "text/plain; charset=utf-8", statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Healthy, or the reasons it is not (<c>engine not running</c>, <c>database unreachable</c>), joined by "; "; the
    /// database's in detail (<c>database unreachable: ...</c>) when <paramref name="detailed"/> (for the admin).
    /// </summary>
    public static async Task<(bool Healthy, string Text)> CheckAsync(IMonitorView monitor, DatabaseProbe database, bool detailed, CancellationToken ct = default)
    {
        var reasons = new List<string>();
        if (!monitor.Running)
        {
            reasons.Add("engine not running");
        }

        if (DatabaseProbe.Shown(await database.FailureAsync(ct), detailed) is { } failure)
        {
            reasons.Add(failure);
        }

        return reasons.Count == 0 ? (true, "ok") : (false, string.Join("; ", reasons));
    }
}
