using System.Globalization;
using HealthChecker.Core.Store;

namespace HealthChecker.Web.Api;

/// <summary>
/// A write that kept losing to concurrent transactions (retried and given up: nothing saved) is a 503 with
/// <c>Retry-After</c> and problem details, not a 500: the client may simply send it again.
/// </summary>
internal static class StoreBusyFilter
{
    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (StoreBusyException e)
        {
            return Busy(context.HttpContext, e.Message);
        }
    }

    /// <summary>The 503 answer, with <c>Retry-After</c>.</summary>
    public static IResult Busy(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = ((int)StoreBusyException.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The database is busy with conflicting work; nothing was saved, try again", detail: detail);
    }
}
