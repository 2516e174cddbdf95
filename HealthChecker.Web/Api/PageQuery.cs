using System.Globalization;
using HealthChecker.Core.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;

namespace HealthChecker.Web.Api;

/// <summary>
/// <c>?limit=&amp;after=</c> of a paged list: <c>limit</c> items (default <see cref="DefaultLimit"/>, at most
/// <see cref="MaxLimit"/>) after the target named <c>after</c> (<c>group/name</c>, the <c>next</c> of the page before).
/// </summary>
public sealed record PageQuery(int Limit, TargetKey? After)
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 1000;

    /// <summary>The query, or the errors keyed by parameter (for a 400 problem).</summary>
    public static (PageQuery? Query, Dictionary<string, string[]> Errors) Read(IQueryCollection query)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var limit = DefaultLimit;
        if (Single(query, "limit", errors) is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}"];
        }

        TargetKey? after = null;
        if (Single(query, "after", errors) is { } afterText)
        {
            if (TargetKey.TryParse(afterText, out var key))
            {
                after = key;
            }
            else
            {
                errors["after"] = ["must be a target's full name (group/name), as in the 'next' of the page before"];
            }
        }

        return errors.Count == 0 ? (new PageQuery(limit, after), errors) : (null, errors);
    }

    /// <summary>Where the next page is: this path with the same limit, after <paramref name="next"/>.</summary>
    public string NextUrl(string path, string next) =>
        $"{path}?limit={Limit.ToString(CultureInfo.InvariantCulture)}&after={Uri.EscapeDataString(next)}";

    /// <summary>The page as the answer, with a <c>Link: &lt;…&gt;; rel="next"</c> header unless it is the last.</summary>
    public Ok<PageModel<T>> Answer<T>(HttpContext http, PageModel<T> page)
    {
        if (page.Next is { } next)
        {
            http.Response.Headers.Link = $"<{NextUrl(http.Request.PathBase + http.Request.Path, next)}>; rel=\"next\"";
        }

        return TypedResults.Ok(page);
    }

    /// <summary>A query parameter given at most once (null when absent); twice is an error on its name.</summary>
    internal static string? Single(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        if (!query.TryGetValue(name, out StringValues values))
        {
            return null;
        }

        if (values.Count != 1)
        {
            errors[name] = ["must be given once"];
            return null;
        }

        return values[0];
    }
}

/// <summary>
/// One page of a list: <see cref="Total"/> items in the whole list, up to <see cref="Limit"/> of them here, and
/// <see cref="Next"/> the <c>after</c> of the following page (null on the last one).
/// </summary>
public sealed record PageModel<T>(int Total, int Limit, string? Next, IReadOnlyList<T> Items);
