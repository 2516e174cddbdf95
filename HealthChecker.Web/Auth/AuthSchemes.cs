namespace HealthChecker.Web.Auth;

/// <summary>Names of the authentication schemes and the authorization policy.</summary>
public static class AuthSchemes
{
    /// <summary>Picks <see cref="Basic"/> for requests with a Basic Authorization header, else <see cref="Cookie"/>.</summary>
    public const string CookieOrBasic = "cookie-or-basic";

    public const string Cookie = "cookie";

    public const string Basic = "basic";

    /// <summary>May change targets: the signed-in admin.</summary>
    public const string AdminPolicy = "admin";

    public const string AdminUserName = "admin";

    /// <summary>The role the admin's sign-in carries, by cookie or HTTP Basic.</summary>
    public const string AdminRole = "admin";
}
