using Microsoft.AspNetCore.Antiforgery;

namespace HealthChecker.Web.Auth;

/// <summary>
/// Applies <see cref="CrossSiteRule"/> to every request (after authentication, so that it knows whether the sign-in cookie
/// is what vouches for it): a refusal is 403 problem details, and a cookie write that says nothing of its origin passes only
/// with a valid antiforgery token (the <c>RequestVerificationToken</c> header, or the field the app's own forms carry).
/// </summary>
public sealed class CrossSiteGuard(RequestDelegate next, CrossSiteRule rule, IAntiforgery antiforgery, Serilog.ILogger log)
{
    public const string Title = "Cross-site request refused";
    private const int MaxQuoted = 100;
    private readonly Serilog.ILogger _log = log.ForContext<CrossSiteGuard>();

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var ownOrigin = $"{request.Scheme}://{request.Host.Value}";
        var origin = request.Headers.Origin;
        var fetchSite = request.Headers["Sec-Fetch-Site"];
        var verdict = rule.Decide(
            request.Method,
            request.Path.StartsWithSegments("/_blazor", StringComparison.Ordinal),
            ownOrigin,
            // Two Origin headers are no browser's: treated as a foreign one.
            origin.Count == 0 ? null : origin.Count == 1 ? origin[0] : "",
            fetchSite.Count == 0 ? null : fetchSite.ToString(),
            context.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == AuthSchemes.Cookie));
        if (verdict == CrossSiteVerdict.NeedsAntiforgeryToken && await antiforgery.IsRequestValidAsync(context))
        {
            verdict = CrossSiteVerdict.Allow;
        }

        if (verdict == CrossSiteVerdict.Allow)
        {
            await next(context);
            return;
        }

        var stated = origin.Count > 0 ? $"Origin {Quoted(origin.ToString())}" : fetchSite.Count > 0 ? $"Sec-Fetch-Site {Quoted(fetchSite.ToString())}" : "no Origin";
        _log.Warning("Refused {Method} {Path} with {Stated}: not from {OwnOrigin}", request.Method, request.Path.Value, stated, ownOrigin);
        var detail = verdict == CrossSiteVerdict.NeedsAntiforgeryToken
            ? "A change signed in by the cookie must come from this app's own pages (the browser's Origin header) or carry an antiforgery token; scripts use HTTP Basic."
            : $"This app accepts changes only from its own pages ({ownOrigin}); the request came with {stated}. Behind a reverse proxy, list the address users open in HC_ALLOWED_ORIGINS.";
        await TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: Title, detail: detail).ExecuteAsync(context);
    }

    private static string Quoted(string value) => $"'{(value.Length > MaxQuoted ? value[..MaxQuoted] + "..." : value)}'";
}
