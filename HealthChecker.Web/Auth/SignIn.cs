using System.Security.Claims;

namespace HealthChecker.Web.Auth;

/// <summary>
/// One sign-in attempt, the same for the login form and HTTP Basic: the password verified in the last minutes passes at once;
/// any other waits the source's turn, is verified, logged, and a failure slowed down.
/// </summary>
public sealed class SignIn(IAdminCredentials credentials, ILoginThrottle throttle, RecentSignIns recent, TimeProvider time, Serilog.ILogger log)
{
    private readonly Serilog.ILogger _log = log.ForContext<SignIn>();

    /// <summary>
    /// The admin's principal for <paramref name="scheme"/>; or none (after the throttle's delay) when the password is wrong;
    /// or, at once, how long to wait when too many attempts from the same address are in line.
    /// </summary>
    public async Task<SignInOutcome> TryAsync(string? userName, string? password, HttpContext http, string scheme)
    {
        if (recent.Knows(userName, password))
        {
            return Admitted(scheme);
        }

        var source = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        LoginTurn turn;
        try
        {
            turn = await throttle.WaitTurnAsync(source, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return SignInOutcome.Wrong; // the client went away while waiting; there is nobody to answer
        }

        using (turn)
        {
            if (!turn.Admitted)
            {
                _log.Debug("Sign-in as {UserName} from {RemoteAddress} ({Method}) not checked: too many in line; retry after {RetryAfterSeconds} s", userName, source, scheme, (int)turn.RetryAfter.TotalSeconds);
                return SignInOutcome.Wait(turn.RetryAfter);
            }

            if (await credentials.VerifyAsync(userName, password, http.RequestAborted))
            {
                turn.Succeeded();
                recent.Remember(userName, password);
                return Admitted(scheme);
            }

            var delay = turn.Failed();
            _log.Warning("Failed sign-in as {UserName} from {RemoteAddress} ({Method}); answering in {DelayMs} ms", userName, source, scheme, (int)delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, time, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client went away; there is nobody to answer.
            }

            return SignInOutcome.Wrong;
        }
    }

    private static SignInOutcome Admitted(string scheme) => new(
        new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, AuthSchemes.AdminUserName), new Claim(ClaimTypes.Role, AuthSchemes.AdminRole)], scheme)),
        null);
}

/// <summary>A sign-in's outcome: the principal, or nothing (wrong password), or nothing yet (<see cref="RetryAfter"/>: too many attempts in line).</summary>
public sealed record SignInOutcome(ClaimsPrincipal? Principal, TimeSpan? RetryAfter)
{
    public static readonly SignInOutcome Wrong = new(null, null);

    public static SignInOutcome Wait(TimeSpan retryAfter) => new(null, retryAfter);
}
