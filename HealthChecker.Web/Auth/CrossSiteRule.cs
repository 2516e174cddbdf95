namespace HealthChecker.Web.Auth;

/// <summary>What becomes of a request once <see cref="CrossSiteRule"/> has looked at where it comes from.</summary>
public enum CrossSiteVerdict
{
    Allow,

    /// <summary>Sent with the sign-in cookie and nothing saying where from: it needs a valid antiforgery token.</summary>
    NeedsAntiforgeryToken,

    Refuse,
}

/// <summary>
/// Writes (POST, PUT, PATCH, DELETE) and the Blazor hub answer only the app's own pages: a request whose <c>Origin</c> is
/// another site's, or whose <c>Sec-Fetch-Site</c> is <c>cross-site</c> or <c>same-site</c>, is refused whatever its
/// credentials (a browser sends cookies and cached HTTP Basic alike); one with the app's own origin (or one of
/// <paramref name="extraOrigins"/>, for a reverse proxy) passes; one that says nothing passes unless it is signed in by the
/// cookie, which then needs an antiforgery token. Reads are never refused here.
/// </summary>
public sealed class CrossSiteRule(IEnumerable<string> extraOrigins)
{
    private readonly HashSet<string> _extra = [.. extraOrigins.Select(Normalized)];

    /// <summary>The origins besides the app's own whose writes are accepted, as the browser spells them.</summary>
    public IReadOnlyCollection<string> ExtraOrigins => _extra;

    /// <param name="method">The HTTP method.</param>
    /// <param name="isHub">The request is for the Blazor hub (<c>/_blazor</c>), which is guarded for every method.</param>
    /// <param name="ownOrigin">scheme://host[:port] the request was sent to.</param>
    /// <param name="origin">The <c>Origin</c> header; null when absent.</param>
    /// <param name="fetchSite">The <c>Sec-Fetch-Site</c> header; null when absent.</param>
    /// <param name="signedInByCookie">The request is authenticated by the sign-in cookie (not HTTP Basic).</param>
    public CrossSiteVerdict Decide(string method, bool isHub, string ownOrigin, string? origin, string? fetchSite, bool signedInByCookie)
    {
        if (!isHub && !IsUnsafe(method))
        {
            return CrossSiteVerdict.Allow;
        }

        var extra = origin is not null && _extra.Contains(Normalized(origin));
        if (origin is not null && !extra && !string.Equals(Normalized(origin), Normalized(ownOrigin), StringComparison.Ordinal))
        {
            return CrossSiteVerdict.Refuse;
        }

        if (!extra && (string.Equals(fetchSite, "cross-site", StringComparison.OrdinalIgnoreCase) || string.Equals(fetchSite, "same-site", StringComparison.OrdinalIgnoreCase)))
        {
            return CrossSiteVerdict.Refuse;
        }

        if (origin is not null || string.Equals(fetchSite, "same-origin", StringComparison.OrdinalIgnoreCase) || isHub)
        {
            return CrossSiteVerdict.Allow;
        }

        return signedInByCookie ? CrossSiteVerdict.NeedsAntiforgeryToken : CrossSiteVerdict.Allow;
    }

    /// <summary>The methods that change something: everything but GET, HEAD, OPTIONS and TRACE.</summary>
    public static bool IsUnsafe(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <summary>
    /// The origins in a setting (separated by commas, semicolons or spaces), each scheme://host[:port]; throws naming the
    /// first that is not one.
    /// </summary>
    public static IReadOnlyList<string> ParseOrigins(string? setting)
    {
        var origins = new List<string>();
        foreach (var item in (setting ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(item, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.PathAndQuery != "/" || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
            {
                throw new FormatException($"'{item}' is not an origin: write scheme://host[:port], e.g. https://monitor.example.com");
            }

            origins.Add(Normalized(item));
        }

        return origins;
    }

    // https://Example.COM:443 and https://example.com are one origin; "null" and anything unparsable stay as they are, matching nothing.
    private static string Normalized(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.GetLeftPart(UriPartial.Authority) : origin;
}
