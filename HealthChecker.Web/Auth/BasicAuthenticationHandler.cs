using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace HealthChecker.Web.Auth;

/// <summary>HTTP Basic with user <c>admin</c> and the admin password, for scripts calling the API.</summary>
public sealed class BasicAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SignIn signIn)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    // Set when the throttle did not check the password: the challenge is then 429, not 401.
    private TimeSpan? _retryAfter;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter ?? ""));
        }
        catch (FormatException)
        {
            return AuthenticateResult.Fail("The Basic credentials are not base64.");
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return AuthenticateResult.Fail("The Basic credentials have no colon.");
        }

        var outcome = await signIn.TryAsync(decoded[..colon], decoded[(colon + 1)..], Context, Scheme.Name);
        _retryAfter = outcome.RetryAfter;
        return outcome switch
        {
            { Principal: { } principal } => AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)),
            { RetryAfter: not null } => AuthenticateResult.Fail("Too many sign-in attempts from this address."),
            _ => AuthenticateResult.Fail("Wrong user name or password."),
        };
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_retryAfter is { } retryAfter)
        {
            var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many sign-in attempts",
                detail: $"Too many sign-in attempts from this address are waiting; the password was not checked. Try again in {seconds} s.")
                .ExecuteAsync(Context);
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"HealthChecker\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }
}
