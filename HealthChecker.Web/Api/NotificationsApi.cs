using System.Security.Claims;
using HealthChecker.Core.Store;
using HealthChecker.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealthChecker.Web.Api;

/// <summary>
/// <c>GET /api/notifications</c>: the messages sent, newest first, paged with <c>?limit=&amp;after=</c> and filtered by
/// <c>target</c> and <c>channel</c>. Read as targets and events are; the receiver's answer only to the admin, as in /api/status.
/// </summary>
public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/notifications", ListAsync).WithTags("Alerting")
            .WithSummary("A page of the messages sent, newest first: ?limit= (default 100, at most 1000) &after= (the page before's next) &target=group/name &channel=");
        return app;
    }

    private static async Task<Results<Ok<PageModel<NotificationRecord>>, ValidationProblem>> ListAsync(
        HttpContext http, INotificationLog log, ClaimsPrincipal user, CancellationToken ct)
    {
        var (query, errors) = NotificationQuery.Read(http.Request.Query);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The page parameters are not valid");
        }

        var page = await log.NotificationsAsync(query.Filter, query.Limit, query.After, ct);
        var total = await log.CountAsync(query.Filter, ct);
        if (page.Next is { } next)
        {
            http.Response.Headers.Link = $"<{query.NextUrl(http.Request.PathBase + http.Request.Path, next)}>; rel=\"next\"";
        }

        var admin = user.IsInRole(AuthSchemes.AdminRole);
        return TypedResults.Ok(new PageModel<NotificationRecord>(total, query.Limit, page.Next?.ToString("D"), [.. page.Items.Select(n => Shown(n, admin))]));
    }

    // The receiver's answer may quote what it was sent (a token in a URL): said to the admin only.
    private static NotificationRecord Shown(NotificationRecord n, bool admin) =>
        n.LastAnswer is null || admin ? n : n with { LastAnswer = "details for the admin" };
}
