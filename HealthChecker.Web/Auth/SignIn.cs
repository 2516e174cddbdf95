using System.Security.Claims;

namespace HealthChecker.Web.Auth;

/// <summary>One sign-in attempt, the same for the login form and HTTP Basic: verify, log, slow down failures.</summary>
public sealed class SignIn(IAdminCredentials credentials, ILoginThrottle throttle, Serilog.ILogger log)
{
    private readonly Serilog.ILogger _log = log.ForContext<SignIn>();

    /// <summary>The admin's principal for <paramref name="scheme"/>, or null (after the throttle's delay) when the password is wrong.</summary>
    public async Task<ClaimsPrincipal?> TryAsync(string? userName, string? password, HttpContext http, string scheme)
    {
        var source = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (await credentials.VerifyAsync(userName, password, http.RequestAborted))
        {
            throttle.Succeeded(source);
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, AuthSchemes.AdminUserName), new Claim(ClaimTypes.Role, "admin")], scheme);
            return new ClaimsPrincipal(identity);
        }

        var delay = throttle.Failed(source);
        _log.Warning("Failed sign-in as {UserName} from {RemoteAddress} ({Method}); answering in {DelayMs} ms", userName, source, scheme, (int)delay.TotalMilliseconds);
        try
        {
            await Task.Delay(delay, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client went away; there is nobody to answer.
        }

        return null;
    }
}
