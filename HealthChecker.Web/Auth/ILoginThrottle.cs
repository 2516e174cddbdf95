namespace HealthChecker.Web.Auth;

/// <summary>Slows down failed sign-ins from one source (a remote address), whether they come one after another or in parallel.</summary>
public interface ILoginThrottle
{
    /// <summary>
    /// Waits until one sign-in from <paramref name="source"/> may be checked: one at a time, each after the delay the
    /// failures before it earned. An attempt whose turn would come later than the longest delay is refused at once
    /// (<see cref="LoginTurn.Admitted"/> false, with <see cref="LoginTurn.RetryAfter"/>). The caller reports the outcome
    /// on the turn and disposes it.
    /// </summary>
    Task<LoginTurn> WaitTurnAsync(string source, CancellationToken ct);
}
